/**
 * What the diagram tells a reader when something goes wrong: a plain-words title and what they can
 * do, keyed by the error's class name (engine errors, attribute errors, results-file errors).
 */
import type { SweepErrorDetail } from './types.js';

const ADVICE: Record<string, { title: string; advice: string }> = {
  WebGPUUnavailableError: {
    title: 'This browser does not offer WebGPU',
    advice:
      'The diagram trains its models on your graphics card through WebGPU. Open the page in a recent Chrome or Edge (version 113 or later) or in a browser with WebGPU turned on. ' +
      'A diagram that loads saved results (the src attribute) works without WebGPU.',
  },
  NoAdapterError: {
    title: 'No graphics card is available to WebGPU',
    advice: 'WebGPU is present but found no usable GPU. Check that hardware acceleration is turned on in the browser settings, then reload the page.',
  },
  DeviceLimitError: {
    title: 'This sweep is too big for your graphics card',
    advice: 'Try a smaller grid (fewer cols or rows) or fewer seeds.',
  },
  DeviceLostError: {
    title: 'The graphics card stopped responding',
    advice: 'The GPU device was lost (a driver reset, or the system reclaimed it). Press Restart to train again.',
  },
  GPUValidationError: {
    title: 'The graphics card rejected the training work',
    advice: 'This is a bug or an unusual GPU. Press Restart; if it happens again, please report it with your browser and GPU.',
  },
  AttributeError: {
    title: 'The diagram is set up with a value it cannot use',
    advice: 'Fix the attribute named in the message; the diagram restarts on its own when it changes.',
  },
  ResultsFileError: {
    title: 'The saved results could not be loaded',
    advice: 'Check the src URL and that the file is a results.json written by `superposition sweep`.',
  },
  WebGLUnavailableError: {
    title: 'This browser cannot draw the diagram',
    advice: 'WebGL is turned off or unavailable. Turn on hardware acceleration in the browser settings, then reload the page.',
  },
};

/** The `sweep-error` detail for any thrown value. */
export function errorDetail(e: unknown): SweepErrorDetail & { title: string } {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  const known = ADVICE[name];
  return {
    name,
    message,
    title: known?.title ?? 'Something went wrong while training',
    advice: known?.advice ?? 'Press Restart to try again; reload the page if it keeps happening.',
  };
}
