/**
 * Typed engine errors. Each message says what happened and what the user can do; `instanceof`
 * lets callers (the CLI, the element) choose what to show.
 */

/**
 * Base class of every error the engine raises on purpose. Each class names itself with a string
 * literal (never the class identifier, which minifiers rename), so `error.name` survives in the
 * standalone bundle.
 */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `navigator.gpu` (browser) or the `webgpu` package (Node) is missing. */
export class WebGPUUnavailableError extends EngineError {
  override name = 'WebGPUUnavailableError';
}

/** `requestAdapter()` returned null: WebGPU exists but no adapter is available. */
export class NoAdapterError extends EngineError {
  override name = 'NoAdapterError';
}

/** A device limit is smaller than the engine needs, or a problem cannot fit even when chunked. */
export class DeviceLimitError extends EngineError {
  override name = 'DeviceLimitError';
  constructor(
    /** The limit's WebGPU name, or a description of the quantity. */
    readonly limit: string,
    /** What was needed. */
    readonly required: number,
    /** What the device (or the planner) allows. */
    readonly available: number,
    message?: string,
  ) {
    super(message ?? `device limit ${limit} is ${available}; the engine needs at least ${required}`);
  }
}

/** The GPU device was lost (driver reset, destroyed, out of memory) before the work finished. */
export class DeviceLostError extends EngineError {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`the WebGPU device was lost (${reason}): ${detail || 'no message'}. Reload the page or restart the run to get a new device.`);
  }
}

/** A WebGPU validation or out-of-memory error surfaced by `uncapturederror` or an error scope. */
export class GPUValidationError extends EngineError {
  override name = 'GPUValidationError';
}

/**
 * Training produced NaN or infinite values. Carries the indices of the affected instances;
 * the other instances' results are kept by the caller.
 */
export class TrainingDivergedError extends EngineError {
  override name = 'TrainingDivergedError';
  constructor(readonly instances: number[]) {
    super(`training diverged (NaN or Inf) in ${instances.length} model(s), e.g. instance ${instances[0]}; lower the learning rate`);
  }
}

/** The caller's AbortSignal fired. */
export class CancelledError extends EngineError {
  override name = 'CancelledError';
  constructor() {
    super('training was cancelled');
  }
}

/**
 * A checkpoint to resume from does not fit this run: its chunks differ from the plan this device
 * makes for the spec (another device or engine version), or its arrays have the wrong size.
 */
export class CheckpointMismatchError extends EngineError {
  override name = 'CheckpointMismatchError';
}
