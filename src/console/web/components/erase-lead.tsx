import { useRef, useState } from "preact/hooks";
import {
  type ErasureAnswer,
  type ErasurePreview,
  eraseLead,
  erasePerson,
  type FieldDatum,
  type PersonQuery,
  previewPersonErasure,
} from "../api.ts";
import { count } from "./format.ts";

/** The person a lead names: its first email-looking and phone-looking answers. */
export function personOf(fields: readonly FieldDatum[]): PersonQuery {
  const q: PersonQuery = {};
  for (const f of fields) {
    const v = f.values?.[0];
    if (typeof v !== "string" || v === "") continue;
    if (q.email === undefined && /email/i.test(f.name) && v.includes("@")) q.email = v;
    if (q.phone === undefined && /phone/i.test(f.name)) q.phone = v;
  }
  return q;
}

type Step =
  | { kind: "idle" }
  | { kind: "confirm-lead" }
  | { kind: "confirm-person"; preview: ErasurePreview; query: PersonQuery }
  | { kind: "working" }
  | { kind: "done"; answer: ErasureAnswer }
  | { kind: "failed"; message: string };

/**
 * Erasing from the lead screen: this lead, or every lead of the person it names (found by its
 * email or phone answer, across forms and pages). Nothing is erased before a confirmation that
 * says how many leads will go and that copies already delivered are not recalled.
 */
export function EraseLead({ leadId, fields }: { leadId: string; fields: readonly FieldDatum[] }) {
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const dialog = useRef<HTMLDialogElement>(null);
  const person = personOf(fields);
  const open = (s: Step) => {
    setStep(s);
    if (!dialog.current?.open) dialog.current?.showModal();
  };
  const close = () => {
    dialog.current?.close();
    setStep((s) => (s.kind === "done" ? s : { kind: "idle" }));
  };
  const run = async (work: () => Promise<Step>) => {
    setStep({ kind: "working" });
    try {
      const next = await work();
      setStep(next);
      if (next.kind === "done") dialog.current?.close();
    } catch (e) {
      setStep({ kind: "failed", message: e instanceof Error ? e.message : String(e) });
    }
  };
  const askPerson = () => run(async () => ({ kind: "confirm-person", preview: await previewPersonErasure(person), query: person }));
  const who = [person.email, person.phone].filter(Boolean).join(" or ");
  const answer = step.kind === "done" ? step.answer : undefined;

  return (
    <section class="card wide" aria-labelledby="erase-h">
      <h2 id="erase-h">Erase</h2>
      {answer ? (
        <p role="status" data-testid="erasure-result">
          Erased {answer.erasure.leads_erased} lead{answer.erasure.leads_erased === 1 ? "" : "s"} (audit record{" "}
          <code>{answer.erasure.id}</code>). {answer.erasure.deliveries_cancelled} pending webhook deliver
          {answer.erasure.deliveries_cancelled === 1 ? "y" : "ies"} cancelled. {answer.not_recalled}
        </p>
      ) : (
        <p>
          <button type="button" class="secondary" onClick={() => open({ kind: "confirm-lead" })}>
            Erase this lead…
          </button>{" "}
          {who && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                open({ kind: "working" });
                void askPerson();
              }}
            >
              Erase this person…
            </button>
          )}
        </p>
      )}
      <dialog ref={dialog} aria-labelledby="erase-dialog-h" onClose={close}>
        <h2 id="erase-dialog-h">{step.kind === "confirm-person" ? "Erase this person?" : "Erase this lead?"}</h2>
        {step.kind === "working" && <p role="status">Working…</p>}
        {step.kind === "failed" && <p role="alert">{step.message}</p>}
        {step.kind === "confirm-lead" && (
          <p>
            Lead <code>{leadId}</code> will be removed from the database for good: its answers, its webhook outbox rows and any pending
            delivery.
          </p>
        )}
        {step.kind === "confirm-person" && (
          <p data-testid="erasure-preview">
            {count(step.preview.leads_matched)} lead{step.preview.leads_matched === 1 ? "" : "s"} with the answer {who}, on{" "}
            {step.preview.form_ids.length} form{step.preview.form_ids.length === 1 ? "" : "s"} of {step.preview.page_ids.length} page
            {step.preview.page_ids.length === 1 ? "" : "s"}, will be removed from the database for good.
          </p>
        )}
        {(step.kind === "confirm-lead" || step.kind === "confirm-person") && (
          <>
            <p class="muted small">
              Leads already delivered by webhook, read through the API or exported are not recalled. Backups keep them until they expire.
            </p>
            <p>
              <button
                type="button"
                onClick={() =>
                  void run(async () => ({
                    kind: "done",
                    answer: step.kind === "confirm-person" ? await erasePerson(step.query) : await eraseLead(leadId),
                  }))
                }
              >
                {step.kind === "confirm-person"
                  ? `Erase ${count(step.preview.leads_matched)} lead${step.preview.leads_matched === 1 ? "" : "s"}`
                  : "Erase lead"}
              </button>{" "}
              <button type="button" class="secondary" onClick={close}>
                Cancel
              </button>
            </p>
          </>
        )}
        {step.kind === "failed" && (
          <p>
            <button type="button" class="secondary" onClick={close}>
              Close
            </button>
          </p>
        )}
      </dialog>
    </section>
  );
}
