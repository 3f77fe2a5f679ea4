/** `audeo models`: the installed models (models/index.json) with defaults, sizes and card metrics. */
import type { Command } from 'commander';
import { action } from '../run-command';

export interface ModelRow {
  readonly name: string;
  readonly version: string;
  readonly type: string;
  readonly default: boolean;
  readonly sizeBytes: number;
  readonly description: string;
  readonly metrics?: Record<string, unknown>;
  readonly fps?: number;
  readonly problem?: string;
  /** A model `audeo adapt` made (in the user's models folder). */
  readonly user?: boolean;
}

/** One line of the most useful numbers of a card's metrics (numbers only, 3 decimals). */
export function metricsLine(metrics: Record<string, unknown> | undefined, max = 4): string {
  if (!metrics) return '';
  const out: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (out.length >= max) return;
    if (typeof v === 'number') out.push(`${prefix}=${Number.isInteger(v) ? v : v.toFixed(3)}`);
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  walk('', metrics);
  return out.join(' ');
}

export async function listModels(root?: string): Promise<{ root: string; userRoot: string; defaults: Record<string, string>; models: ModelRow[] }> {
  const path = await import('node:path');
  const { promises: fs } = await import('node:fs');
  const { readAllModels, defaultModelsRoot, userModelsRoot } = await import('../../extractor/models');
  const dir = root ?? defaultModelsRoot();
  const userRoot = userModelsRoot();
  const index = await readAllModels(dir, userRoot);
  const defaults = index.defaults as Record<string, string>;
  const rows: ModelRow[] = [];
  for (const m of index.models) {
    const ref = `${m.name}@${m.version}`;
    let card: { metrics?: Record<string, unknown>; fps?: number } | undefined;
    let problem: string | undefined;
    try {
      card = JSON.parse(await fs.readFile(path.resolve(dir, m.path, 'card.json'), 'utf8')) as typeof card;
    } catch {
      problem = 'card.json missing or unreadable';
    }
    rows.push({
      name: m.name,
      version: m.version,
      type: m.type,
      default: defaults[m.type] === ref,
      sizeBytes: m.sizeBytes,
      description: m.description ?? '',
      ...(card?.metrics ? { metrics: card.metrics } : {}),
      ...(card?.fps ? { fps: card.fps } : {}),
      ...(problem ? { problem } : {}),
      ...(m.user ? { user: true } : {}),
    });
  }
  return { root: dir, userRoot, defaults, models: rows };
}

export function register(program: Command): void {
  program
    .command('models')
    .description('List the installed models: the bundled ones (models/index.json) and yours (audeo adapt): defaults, sizes, card metrics')
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo models
  $ audeo models --json
  $ AUDEO_MODELS=/path/to/my-models audeo models   # your adapted models live there (default ~/.audeo/models)`,
    )
    .action(
      action(async (o: { json?: boolean }) => {
        const r = await listModels();
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        if (r.models.length === 0) {
          process.stdout.write(`no models installed in ${r.root}\n`);
          return;
        }
        const lines = r.models.map((m) =>
          [
            m.default ? '*' : m.user ? 'u' : ' ',
            m.type.padEnd(12),
            `${m.name}@${m.version}`.padEnd(28),
            `${(m.sizeBytes / 1e6).toFixed(2)} MB`.padStart(9),
            ' ',
            m.problem ? `!! ${m.problem}` : metricsLine(m.metrics) || m.description,
          ].join(' '),
        );
        process.stdout.write(`${lines.join('\n')}\n(* = default, u = yours (audeo adapt); bundled models in ${r.root}, yours in ${r.userRoot})\n`);
      }),
    );
}
