/**
 * The figure files the CLI writes: NAME.svg (vector, drawn in Node), NAME.png (drawn in the
 * headless page: regl matrices under the SVG marks, at --scale) and, for animated figures,
 * NAME.gif (every frame, encoded by gifenc).
 */
import * as gifencModule from 'gifenc';
import { drawFigure, fittingFigures } from '../figures/registry.js';
import { FigureError, type FigureInput } from '../figures/input.js';
import type { Scene } from '../figures/scene.js';
import { sceneToSvg } from '../figures/svg.js';
import type { HeadlessBrowser } from './chromium.js';
import type { OutputFile } from './writers.js';

/** gifenc's functions: Node loads its CommonJS build (functions on `default`), Vite its ES module. */
function gifencFunctions(): typeof gifencModule.default {
  const m = gifencModule as unknown as { default?: typeof gifencModule.default } & typeof gifencModule.default;
  return typeof m.quantize === 'function' ? m : m.default!;
}

/** Milliseconds each GIF frame shows. */
export const GIF_FRAME_MS = 120;

/**
 * Encodes RGBA frames (width × height × 4 bytes each) as a looping animated GIF: one 256-colour
 * palette quantised from the middle frame, shared by all.
 * @throws RangeError when there are no frames or a frame's size is wrong
 */
export function encodeGif(frames: readonly Uint8Array[], width: number, height: number, delayMs = GIF_FRAME_MS): Uint8Array {
  if (frames.length === 0) throw new RangeError('encodeGif: no frames');
  for (const f of frames) if (f.length !== width * height * 4) throw new RangeError(`encodeGif: a frame has ${f.length} bytes; expected ${width}×${height}×4`);
  const { GIFEncoder, applyPalette, quantize } = gifencFunctions();
  const palette = quantize(frames[Math.floor(frames.length / 2)]!, 256);
  const gif = GIFEncoder();
  for (const f of frames) gif.writeFrame(applyPalette(f, palette), width, height, { palette, delay: delayMs });
  gif.finish();
  return gif.bytes();
}

/**
 * Draws the named figures (skipping, with a warning through `warn`, those that do not fit).
 * `names` undefined: every figure that fits.
 */
export function drawFigures(input: FigureInput, names: readonly string[] | undefined, warn: (message: string) => void): Scene[] {
  const scenes: Scene[] = [];
  for (const name of names ?? fittingFigures(input)) {
    try {
      scenes.push(drawFigure(name, input));
    } catch (e) {
      if (!(e instanceof FigureError)) throw e;
      warn(`figure ${name} not written: ${e.message}`);
    }
  }
  return scenes;
}

/**
 * The files of drawn figures: NAME.svg always; NAME.png, and NAME.gif for animated scenes, when a
 * browser is given and NAME.png is not among `taken` (file names the caller writes itself).
 */
export async function figureFiles(scenes: readonly Scene[], browser: HeadlessBrowser | null, scale: number, taken: readonly string[] = []): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const scene of scenes) {
    files.push({ name: `${scene.figure}.svg`, data: sceneToSvg(scene) });
    // phase-diagram.png is the sweep's own picture (drawn at the --metric); its figure adds the SVG.
    if (!browser || taken.includes(`${scene.figure}.png`)) continue;
    const animated = (scene.frames?.length ?? 0) > 1;
    const drawn = await browser.renderScene(scene, scale, animated);
    files.push({ name: `${scene.figure}.png`, data: drawn.png });
    // GIF frames at scale 1 keep the file small; the PNG carries the resolution.
    if (animated && drawn.frames) files.push({ name: `${scene.figure}.gif`, data: encodeGif(drawn.frames, drawn.width, drawn.height) });
  }
  return files;
}
