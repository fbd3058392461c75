import cliProgress, { type Options, type Params } from "cli-progress";

// cli-progress is CommonJS: Node's named-export detection finds SingleBar but not Format.
const { Format, SingleBar } = cliProgress;

/** A progress display that long commands update; the silent one when nobody is watching. */
export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What is being done, e.g. "creating leads". */
  label: string;
  /** How many units there will be; undefined when unknown (a count is shown, no bar and no ETA). */
  total: number | undefined;
  /** What the count shows after the bar, in cli-progress tokens; default "{value}/{total}". */
  counts?: string;
  /** Initial values of custom tokens used in `counts`. */
  payload?: Record<string, unknown>;
  /** false turns it off (`--no-progress`); it is off anyway when the stream is not a terminal. */
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
}

const silent: Progress = { update: () => {}, stop: () => {} };

/**
 * cli-progress's ETA is the string "NULL" or "INF" before it has two samples or while nothing
 * moves, which its time format turns into "LLs"; this shows "--" until there is a real estimate.
 */
const withEta =
  (template: string) =>
  (options: Options, params: Params, payload: Record<string, unknown>): string => {
    const eta = params.eta as unknown;
    const known = params.value > 0 && params.value < params.total && typeof eta === "number" && Number.isFinite(eta) && eta > 0;
    const etaText = params.value >= params.total ? "0s" : known ? Format.TimeFormat(eta, options, 5) : "--";
    return Format.Formatter({ ...options, format: template }, params, { ...payload, eta_text: etaText });
  };

/**
 * A bar with the total, percentage and ETA, written to stderr only when stderr is a terminal, so
 * pipes, files and CI logs get nothing. Nothing is shown for zero items.
 */
export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  if (o.enabled === false || stream.isTTY !== true || o.total === 0) return silent;
  const counts = o.counts ?? "{value}/{total}";
  const bar =
    o.total === undefined
      ? new SingleBar({ stream, format: `${o.label} ${counts} | {duration_formatted}`, hideCursor: true, etaBuffer: 50 })
      : new SingleBar({
          stream,
          format: withEta(`${o.label} [{bar}] {percentage}% | ${counts} | ETA {eta_text}`),
          hideCursor: true,
          etaBuffer: 50,
          etaAsynchronousUpdate: true,
        });
  bar.start(o.total ?? 0, 0, o.payload ?? {});
  return {
    update: (value, payload) => bar.update(value, payload ?? {}),
    stop: () => bar.stop(),
  };
}
