/**
 * The model registry: the bundled models (models/index.json, models/<name>/<version>/card.json + model.onnx) and the
 * user's own (`audeo adapt`: ~/.audeo/models/<name>@<version>/card.json + model.onnx, or $AUDEO_MODELS).
 * Resolves `NAME[@VERSION]` (latest version when omitted), checks the card's type and the ONNX file's sha256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelError } from '../core/errors';

export type ModelType = 'video2roll' | 'roll2midi' | 'perfnet' | 'spec-refiner';

export interface TensorSpec {
  readonly name: string;
  readonly dtype: 'float32' | 'int64' | 'uint8';
  readonly shape: ReadonlyArray<number | string>;
}

export interface ModelCard {
  readonly schema: 'audeo.card/1';
  readonly name: string;
  readonly version: string;
  readonly type: ModelType;
  readonly description?: string;
  readonly file: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly opset: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly outputKind: 'logits' | 'probabilities' | 'magnitude' | 'log-magnitude';
  readonly fps?: number;
  readonly keys?: { readonly lowestMidi: number; readonly count: number };
  readonly preprocessing?: { readonly frames?: number; readonly width?: number; readonly height?: number; readonly scale?: number; readonly mean?: number; readonly std?: number; readonly edge?: 'repeat' };
  readonly window?: { readonly frames?: number; readonly hopFrames?: number; readonly blend?: 'none' | 'triangular' | 'hann' };
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Video2Roll: seconds from a key seen going down to its sound; the extractor adds it to note times. */
  readonly timing?: { readonly soundDelaySec?: number };
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly training?: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly type: ModelType;
  readonly path: string;
  readonly sizeBytes: number;
  readonly description?: string;
  /** A user model (`audeo adapt`): its folder is absolute, outside the bundled models/. */
  readonly user?: boolean;
}

export interface ModelIndex {
  readonly schema: string;
  readonly defaults: Partial<Record<ModelType, string>>;
  readonly models: readonly IndexEntry[];
}

export interface LoadedModel {
  readonly card: ModelCard;
  readonly dir: string;
  readonly onnxPath: string;
}

/**
 * The bundled models: models/ at the repository (or installed package) root, two levels above this file in src/ and
 * in dist/; $AUDEO_BUNDLED_MODELS replaces it (tests, a models folder of one's own).
 */
export function defaultModelsRoot(): string {
  return process.env.AUDEO_BUNDLED_MODELS ?? path.resolve(__dirname, '..', '..', 'models');
}

/** The user's models (`audeo adapt` writes NAME@VERSION/ folders here): $AUDEO_MODELS, else ~/.audeo/models. */
export function userModelsRoot(): string {
  return process.env.AUDEO_MODELS ?? path.join(os.homedir(), '.audeo', 'models');
}

const USER_DIR = /^([a-z0-9][a-z0-9-]*)@(\d+\.\d+\.\d+)$/;

/** The user's models as index entries (absolute paths); folders without a readable card are skipped. */
export async function readUserModels(root = userModelsRoot()): Promise<IndexEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const out: IndexEntry[] = [];
  for (const dir of names.sort()) {
    const m = USER_DIR.exec(dir);
    if (!m?.[1] || !m[2]) continue;
    try {
      const card = JSON.parse(await fs.readFile(path.join(root, dir, 'card.json'), 'utf8')) as Partial<ModelCard>;
      if (card.name !== m[1] || card.version !== m[2] || !card.type) continue;
      out.push({ name: m[1], version: m[2], type: card.type, path: path.join(root, dir), sizeBytes: card.sizeBytes ?? 0, ...(card.description ? { description: card.description } : {}), user: true });
    } catch {
      // not a model folder (or one being written): skipped
    }
  }
  return out;
}

export async function readIndex(root = defaultModelsRoot()): Promise<ModelIndex> {
  const file = path.join(root, 'index.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new ModelError(`model index ${file} is missing; expected models/index.json listing the bundled models`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelError(`model index ${file} is not JSON; expected {"defaults": {...}, "models": [...]}`);
  }
  const idx = json as Partial<ModelIndex>;
  if (typeof idx !== 'object' || idx === null || !Array.isArray(idx.models)) {
    throw new ModelError(`model index ${file}: expected {"defaults": {...}, "models": [...]}`);
  }
  return { schema: String(idx.schema ?? ''), defaults: idx.defaults ?? {}, models: idx.models };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function parseModelSpec(spec: string): { name: string; version?: string } {
  const m = /^([a-z0-9][a-z0-9-]*)(?:@(\d+\.\d+\.\d+))?$/.exec(spec.trim());
  if (!m?.[1]) throw new ModelError(`model "${spec}" is not a model reference; expected NAME or NAME@MAJOR.MINOR.PATCH, e.g. v2r-strip@1.0.0`);
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] };
}

/**
 * Which model to use for `type`: `spec` (NAME[@VERSION]) when given, else the index's default for the type.
 * Returns undefined when no spec is given and the index has no default (and no model) of that type.
 */
export function resolveEntry(index: ModelIndex, type: ModelType, spec?: string): IndexEntry | undefined {
  const wanted = spec ?? index.defaults[type];
  // A refiner changes the notes: it runs only when the index names a default or the user asks for one by name.
  if (!wanted && type === 'roll2midi') return undefined;
  if (!wanted) {
    const ofType = index.models.filter((m) => m.type === type).sort((a, b) => compareVersions(b.version, a.version));
    return ofType[0];
  }
  const { name, version } = parseModelSpec(wanted);
  const candidates = index.models.filter((m) => m.name === name && (!version || m.version === version));
  if (candidates.length === 0) {
    const known = index.models.filter((m) => m.type === type).map((m) => `${m.name}@${m.version}`);
    throw new ModelError(`model ${wanted} is not installed (bundled or in your models folder); expected one of: ${known.length ? known.join(', ') : `(no ${type} models installed)`}`);
  }
  return [...candidates].sort((a, b) => compareVersions(b.version, a.version))[0];
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Reads and checks a model folder: card present and parseable, type as expected, ONNX present, sha256 equal. */
export async function loadModelDir(dir: string, type: ModelType): Promise<LoadedModel> {
  const cardPath = path.join(dir, 'card.json');
  if (!existsSync(cardPath)) throw new ModelError(`model card ${cardPath} is missing; expected card.json beside model.onnx`);
  let card: ModelCard;
  try {
    card = JSON.parse(await fs.readFile(cardPath, 'utf8')) as ModelCard;
  } catch {
    throw new ModelError(`model card ${cardPath} is not valid JSON; expected an audeo.card/1 object`);
  }
  if (card.schema !== 'audeo.card/1') throw new ModelError(`model card ${cardPath} has schema ${JSON.stringify(card.schema)}; expected "audeo.card/1"`);
  if (card.type !== type) throw new ModelError(`model ${card.name}@${card.version} is a ${card.type} model; expected a ${type} model`);
  if (!Array.isArray(card.inputs) || !card.inputs[0] || !Array.isArray(card.outputs) || !card.outputs[0]) {
    throw new ModelError(`model card ${cardPath} lists no inputs/outputs; expected at least one of each`);
  }
  const onnxPath = path.join(dir, card.file || 'model.onnx');
  if (!existsSync(onnxPath)) throw new ModelError(`model file ${onnxPath} is missing; expected the ONNX file named by card.json`);
  const actual = await sha256File(onnxPath);
  if (actual !== card.sha256) {
    throw new ModelError(`model file ${onnxPath} is corrupt: sha256 ${actual.slice(0, 16)}… but card.json expects ${String(card.sha256).slice(0, 16)}…`);
  }
  return { card, dir, onnxPath };
}

/** The bundled index with the user's models appended (a name asked for by the user may be either). */
export async function readAllModels(root = defaultModelsRoot(), userRoot = userModelsRoot()): Promise<ModelIndex> {
  const index = await readIndex(root);
  const bundled = new Set(index.models.map((m) => m.name));
  const user = (await readUserModels(userRoot)).filter((m) => !bundled.has(m.name));
  return { ...index, models: [...index.models, ...user] };
}

/** Resolves and loads a model of `type`; undefined when none is installed and none was asked for. */
export async function loadModel(type: ModelType, spec?: string, root = defaultModelsRoot()): Promise<LoadedModel | undefined> {
  const index = spec ? await readAllModels(root) : await readIndex(root);
  const entry = resolveEntry(index, type, spec);
  if (!entry) return undefined;
  if (entry.type !== type) throw new ModelError(`model ${entry.name}@${entry.version} is a ${entry.type} model; expected a ${type} model`);
  return loadModelDir(path.resolve(root, entry.path), type);
}
