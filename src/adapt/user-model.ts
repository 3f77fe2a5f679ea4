/**
 * The user's model folder an adaptation writes: <user models>/NAME@VERSION/ with model.onnx (the base file with the
 * adapted head's weights) and card.json (the base card plus where this model came from). Written into a hidden
 * temporary folder and renamed into place, so an interrupted run leaves no half-written model.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, SinkError } from '../core/errors';
import { compareVersions, readIndex, readUserModels, userModelsRoot, defaultModelsRoot, type ModelCard } from '../extractor/models';
import { SPLIT, type AdaptResult } from './adapt';
import { processRunning } from '../io/lock';
import { replaceFloatInitializers } from './onnx-proto';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface UserModelPlan {
  readonly name: string;
  readonly version: string;
  readonly root: string;
  readonly dir: string;
}

/** The card field an adapted model carries. */
export interface AdaptedFrom {
  readonly base: { readonly name: string; readonly version: string; readonly sha256: string };
  readonly clips: AdaptResult['clips'];
  readonly labelSource: 'soundtrack' | 'midi';
  readonly heldOut: { readonly share: number; readonly before: AdaptResult['before']; readonly thresholdOnly: AdaptResult['thresholdOnly']; readonly after: AdaptResult['after'] };
  readonly training: { readonly epochs: number; readonly threshold: number; readonly trainSec: number; readonly footageSec: number; readonly trained: string };
  readonly date: string;
}

/**
 * Checks the name and the folder before any work: NAME is new, or its latest version has the same base model (the
 * next version is made); the folder can be written. Nothing is created but the models folder itself.
 */
export async function planUserModel(name: string, base: { name: string; version: string; sha256: string }, root = userModelsRoot(), bundledRoot = defaultModelsRoot()): Promise<UserModelPlan> {
  if (!NAME.test(name)) throw new InputError(`--name "${name}" is not a model name; expected lower-case letters, digits and dashes (up to 40), e.g. --name my-upright`);
  const bundled = await readIndex(bundledRoot).catch(() => undefined);
  if (bundled?.models.some((m) => m.name === name)) throw new InputError(`--name ${name} is a bundled model's name; expected a name of your own, e.g. --name ${name}-mine`);
  try {
    await fs.mkdir(root, { recursive: true });
    await fs.access(root, fs.constants?.W_OK ?? 2);
  } catch (e) {
    throw new SinkError(`cannot write to the models folder ${root} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a writable folder (set AUDEO_MODELS to choose another)`);
  }
  const mine = (await readUserModels(root)).filter((m) => m.name === name).sort((a, b) => compareVersions(b.version, a.version));
  let version = '1.0.0';
  const latest = mine[0];
  if (latest) {
    const card = JSON.parse(await fs.readFile(path.join(latest.path, 'card.json'), 'utf8')) as { adapted?: AdaptedFrom };
    const b = card.adapted?.base;
    if (!b || b.sha256 !== base.sha256) {
      throw new InputError(`model ${name}@${latest.version} was adapted from ${b ? `${b.name}@${b.version}` : 'another model'}, not ${base.name}@${base.version}; expected the same base (choose another --name, or --from ${b ? `${b.name}@${b.version}` : 'its base'})`);
    }
    const [maj, min] = latest.version.split('.').map(Number);
    version = `${maj ?? 1}.${(min ?? 0) + 1}.0`;
  }
  return { name, version, root, dir: path.join(root, `${name}@${version}`) };
}

/** Writes the folder: temp folder, files (plus `extra`: name -> bytes, e.g. heldout.png), rename. Returns the card. */
export async function writeUserModel(plan: UserModelPlan, baseBytes: Uint8Array, result: AdaptResult, extra: ReadonlyMap<string, Uint8Array> = new Map()): Promise<ModelCard & { adapted: AdaptedFrom }> {
  const bytes = replaceFloatInitializers(baseBytes, result.head.toInitializers());
  const b = result.base.card;
  const adapted: AdaptedFrom = {
    base: { name: b.name, version: b.version, sha256: b.sha256 },
    clips: result.clips,
    labelSource: result.clips.every((c) => c.labels.source === 'midi') ? 'midi' : 'soundtrack',
    heldOut: { share: SPLIT.heldOut, before: result.before, thresholdOnly: result.thresholdOnly, after: result.after },
    training: {
      epochs: result.epochs.length,
      threshold: result.threshold,
      trainSec: result.trainSec,
      footageSec: result.footageSec,
      trained: 'the key head (white and black 1x1 convs, per-key bias) of the base model, everything before it frozen; the decoder threshold picked on the training part',
    },
    date: new Date().toISOString(),
  };
  const card = {
    ...b,
    name: plan.name,
    version: plan.version,
    description: `${b.name}@${b.version} adapted by audeo adapt to ${result.clips.length} take(s), ${result.footageSec.toFixed(0)} s (${adapted.labelSource} labels)`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    createdAt: adapted.date,
    thresholds: { ...(b.thresholds ?? {}), default: result.threshold },
    metrics: { heldOut: { before: result.before, after: result.after } },
    adapted,
  };
  const tmp = path.join(plan.root, `.${plan.name}@${plan.version}.tmp-${process.pid}`);
  try {
    await fs.rm(tmp, { recursive: true, force: true });
    await fs.mkdir(tmp, { recursive: true });
    await fs.writeFile(path.join(tmp, 'model.onnx'), bytes);
    await fs.writeFile(path.join(tmp, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
    for (const [name, bytes] of extra) await fs.writeFile(path.join(tmp, name), bytes);
    await fs.rename(tmp, plan.dir);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new SinkError(`cannot write the model ${plan.dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a writable models folder with room for ${(bytes.length / 1e6).toFixed(1)} MB`);
  }
  return card;
}

/** Removes temp folders of adaptations that were killed (none of them is a model). */
export async function removeStaleTemps(root = userModelsRoot()): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = /^\..*\.tmp-(\d+)$/.exec(n)?.[1];
    if (pid && (Number(pid) === process.pid || !processRunning(Number(pid)))) await fs.rm(path.join(root, n), { recursive: true, force: true }).catch(() => undefined);
  }
}
