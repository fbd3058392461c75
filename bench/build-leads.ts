import Database from "better-sqlite3";
import pg from "pg";

export const BENCH_FORM = "8001";
export const BENCH_AD = "7001";
export const BENCH_PAGE_TOKEN = "EAAB-bench-page";
const FIRST_ID = 100_000_000_000_000n;

/**
 * Writes `count` leads straight into the SQLite file with one prepared statement in large
 * transactions: building a million leads through HTTP or the intake would take longer than the
 * benchmarks themselves. The rows have the shape LeadIntake writes (tracking parameter first).
 */
export function buildLeads(file: string, count: number, nowSeconds: number, onProgress: (done: number) => void): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insert = db.prepare(`insert into leads (id, form_id, page_id, ad_id, adset_id, campaign_id, account_id, created_time,
    platform, is_organic, is_test, field_data, disclaimer_responses, source)
    values (?, '${BENCH_FORM}', '3001', ?, ?, ?, ?, ?, ?, ?, 0, ?, '[]', 'world')`);
  // Spread over the last 80 days (inside the 90-day retention), newest last, a few per second.
  const span = 80 * 86_400;
  const chunk = 50_000;
  let organic = 0;
  for (let start = 0; start < count; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const paid = i % 3 !== 0;
        if (!paid) organic++;
        const t = nowSeconds - span + Math.floor((i * span) / count);
        const fieldData = JSON.stringify([
          { name: "utm_source", values: ["fb"] },
          { name: "full_name", values: [`Person ${i}`] },
          { name: "email", values: [`person${i}@example.com`] },
          { name: "phone_number", values: [`+1555${String(i).padStart(7, "0")}`] },
        ]);
        insert.run(
          String(FIRST_ID + BigInt(i)),
          paid ? BENCH_AD : null,
          paid ? "6001" : null,
          paid ? "5001" : null,
          paid ? "act_4001" : null,
          t,
          i % 4 === 0 ? "ig" : "fb",
          paid ? 0 : 1,
          fieldData,
        );
      }
    })();
    onProgress(Math.min(count, start + chunk));
  }
  db.prepare(`update forms set leads_count = leads_count + ?, organic_leads_count = organic_leads_count + ? where id = ?`).run(
    count,
    organic,
    BENCH_FORM,
  );
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

export const leadId = (i: number): string => String(FIRST_ID + BigInt(i));

/**
 * The same leads as {@link buildLeads} (ids, times, field data, attribution) written into a
 * PostgreSQL database by the server itself (`generate_series`), in chunks so progress shows; then
 * analysed, as a database that grew through use would be.
 */
export async function buildPostgresLeads(
  url: string,
  count: number,
  nowSeconds: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const span = 80 * 86_400;
    const chunk = 100_000;
    for (let start = 0; start < count; start += chunk) {
      await client.query(
        `insert into leads (id, form_id, page_id, ad_id, adset_id, campaign_id, account_id, created_time,
          platform, is_organic, is_test, field_data, disclaimer_responses, source)
        select (${FIRST_ID} + i)::text, '${BENCH_FORM}', '3001',
          case when i % 3 <> 0 then '${BENCH_AD}' end, case when i % 3 <> 0 then '6001' end,
          case when i % 3 <> 0 then '5001' end, case when i % 3 <> 0 then 'act_4001' end,
          $1::bigint - ${span} + (i::bigint * ${span}) / $2::bigint,
          case when i % 4 = 0 then 'ig' else 'fb' end, case when i % 3 = 0 then 1 else 0 end, 0,
          '[{"name":"utm_source","values":["fb"]},{"name":"full_name","values":["Person ' || i || '"]},'
            || '{"name":"email","values":["person' || i || '@example.com"]},'
            || '{"name":"phone_number","values":["+1555' || lpad(i::text, 7, '0') || '"]}]',
          '[]', 'world'
        from generate_series($3::bigint, $4::bigint) as i`,
        [nowSeconds, count, start, Math.min(count, start + chunk) - 1],
      );
      onProgress(Math.min(count, start + chunk));
    }
    const organic = Math.ceil(count / 3);
    await client.query("update forms set leads_count = leads_count + $1, organic_leads_count = organic_leads_count + $2 where id = $3", [
      count,
      organic,
      BENCH_FORM,
    ]);
    await client.query("analyze leads");
  } finally {
    await client.end();
  }
}
