/** Errors of the headless runners (the CLI maps each to one clear message). */
import { CHROMIUM_ENV } from './chromium-path.js';

/** No Chromium could be launched. The message says how to install one or point to it. */
export class NoChromiumError extends Error {
  constructor(detail: string) {
    super(
      `no Chromium found to run WebGPU headless (${detail}). Install one with \`apt-get install -y chromium\`, ` +
        `or set ${CHROMIUM_ENV}=/path/to/chromium.`,
    );
    this.name = 'NoChromiumError';
  }
}

/** An error raised inside the page (e.g. `NoAdapterError`), carried to Node with its class name. */
export class PageError extends Error {
  constructor(
    /** The error's class name in the page, e.g. `NoAdapterError`, `DeviceLimitError`, `SpecError`. */
    readonly pageErrorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'PageError';
  }
}

/** The run was cancelled through its AbortSignal. */
export class RunCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelledError';
  }
}
