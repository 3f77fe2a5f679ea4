/** The extractor: video -> Take. Heavy modules (onnxruntime-node, fluent-ffmpeg) load lazily inside. */
export { extractTake, type ExtractOptions, type ExtractProgress, type LocateFn } from './pipeline';
export { probeVideo, type VideoInfo } from './probe';
export { loadModel, readIndex, defaultModelsRoot, type ModelCard, type ModelIndex, type LoadedModel } from './models';
