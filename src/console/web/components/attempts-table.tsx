import type { Attempt } from "../api.ts";
import { showTime } from "./format.ts";

export function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p class="muted">No attempts yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Kind</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">
              HTTP
            </th>
            <th scope="col" class="num">
              Latency
            </th>
            <th scope="col">Response / error</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.id} class={a.outcome}>
              <td>{showTime(a.time)}</td>
              <td>{a.kind}</td>
              <td>
                <span class={`badge ${a.outcome}`}>{a.outcome}</span>
              </td>
              <td class="num">{a.http_status ?? "—"}</td>
              <td class="num">{a.latency_ms === null ? "—" : `${a.latency_ms} ms`}</td>
              <td>
                <code class="excerpt">{a.error ?? a.response_excerpt ?? ""}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
