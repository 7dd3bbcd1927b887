/**
 * A {@link Scene} as an SVG document (vector: for papers). Pure string building, Node and browser.
 * Every mark with a `tag` gets that class; `hover` becomes a `<title>` and a `data-hover`
 * attribute; `data` entries become `data-*` attributes. Matrices become one rect per cell
 * (`class="matrix-cell"`, `data-row`, `data-col`), or, with `matrices: 'hit'`, one transparent
 * rect that the page draws under with regl.
 */
import { formatValue, matrixColor } from './colors.js';
import { matrixCellHover, type Mark, type MatrixMark, type Scene } from './scene.js';

/** Options of {@link sceneToSvg}. */
export interface SvgOptions {
  /** `cells` (default): one rect per matrix cell; `hit`: one transparent rect per matrix; `none`: nothing. */
  matrices?: 'cells' | 'hit' | 'none';
  /** Output pixel scale (width/height attributes; the viewBox stays in CSS pixels). Default 1. */
  scale?: number;
  /** Paint the white background. Default true. */
  background?: boolean;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, ''));

function common(m: Mark, extraClass?: string): string {
  const cls = [m.tag, extraClass].filter(Boolean).join(' ');
  let s = cls ? ` class="${escapeXml(cls)}"` : '';
  if (m.hover) s += ` data-hover="${escapeXml(m.hover)}"`;
  for (const [k, v] of Object.entries(m.data ?? {})) s += ` data-${k}="${escapeXml(String(v))}"`;
  return s;
}

const titled = (m: Mark, open: string, close: string) => (m.hover ? `${open}><title>${escapeXml(m.hover)}</title>${close}` : `${open}/>`);

function matrixSvg(m: MatrixMark, mode: 'cells' | 'hit'): string {
  const attrs = common(m, 'matrix') + ` data-rows="${m.rows}" data-cols="${m.cols}" data-name="${escapeXml(m.name)}"`;
  if (mode === 'hit') return `<rect${attrs} x="${num(m.x)}" y="${num(m.y)}" width="${num(m.width)}" height="${num(m.height)}" fill="transparent"/>`;
  const w = m.width / m.cols;
  const h = m.height / m.rows;
  const cells: string[] = [];
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = m.values[r * m.cols + c]!;
      // Cells overlap by a hair so anti-aliasing leaves no seams between them.
      cells.push(
        `<rect class="matrix-cell" data-row="${r}" data-col="${c}" x="${num(m.x + c * w)}" y="${num(m.y + r * h)}" width="${num(w + 0.05)}" height="${num(h + 0.05)}" fill="${matrixColor(m, v)}"><title>${escapeXml(matrixCellHover(m, r, c, formatValue))}</title></rect>`,
      );
    }
  }
  return `<g${attrs}>${cells.join('')}</g>`;
}

function markSvg(m: Mark, matrices: 'cells' | 'hit' | 'none'): string {
  switch (m.kind) {
    case 'rect':
      return titled(m, `<rect${common(m)} x="${num(m.x)}" y="${num(m.y)}" width="${num(Math.max(0, m.width))}" height="${num(Math.max(0, m.height))}" fill="${m.fill}"${m.stroke ? ` stroke="${m.stroke}" stroke-width="${m.strokeWidth ?? 1}"` : ''}`, '</rect>');
    case 'line':
      return titled(
        m,
        `<line${common(m)} x1="${num(m.x1)}" y1="${num(m.y1)}" x2="${num(m.x2)}" y2="${num(m.y2)}" stroke="${m.stroke}" stroke-width="${m.strokeWidth ?? 1}"${m.dash ? ` stroke-dasharray="${m.dash}"` : ''}${m.arrow ? ' marker-end="url(#arrow-head)"' : ''}`,
        '</line>',
      );
    case 'path':
      return titled(
        m,
        `<path${common(m)} d="${m.d}" fill="${m.fill ?? 'none'}"${m.stroke ? ` stroke="${m.stroke}" stroke-width="${m.strokeWidth ?? 1}"` : ''}${m.dash ? ` stroke-dasharray="${m.dash}"` : ''}${m.opacity !== undefined ? ` opacity="${m.opacity}"` : ''}`,
        '</path>',
      );
    case 'circle':
      return titled(m, `<circle${common(m)} cx="${num(m.cx)}" cy="${num(m.cy)}" r="${num(m.r)}" fill="${m.fill}"${m.stroke ? ` stroke="${m.stroke}"` : ''}${m.opacity !== undefined ? ` opacity="${m.opacity}"` : ''}`, '</circle>');
    case 'text': {
      const rotate = m.rotate ? ` transform="rotate(${m.rotate} ${num(m.x)} ${num(m.y)})"` : '';
      const baseline = m.baseline && m.baseline !== 'auto' ? ` dominant-baseline="${m.baseline === 'hanging' ? 'hanging' : 'central'}"` : '';
      return `<text${common(m)} x="${num(m.x)}" y="${num(m.y)}" font-size="${m.size ?? 11}" fill="${m.fill ?? '#222'}"${m.anchor ? ` text-anchor="${m.anchor}"` : ''}${baseline}${m.weight === 'bold' ? ' font-weight="bold"' : ''}${rotate}>${escapeXml(m.text)}</text>`;
    }
    case 'matrix':
      return matrices === 'none' ? '' : matrixSvg(m, matrices);
  }
}

/**
 * The scene as a standalone SVG document string (UTF-8, with the XML namespace), width × height
 * CSS pixels times `scale`.
 */
export function sceneToSvg(scene: Scene, options: SvgOptions = {}): string {
  const matrices = options.matrices ?? 'cells';
  const scale = options.scale ?? 1;
  const body = [...scene.marks.filter((m) => m.kind === 'matrix'), ...scene.marks.filter((m) => m.kind !== 'matrix')].map((m) => markSvg(m, matrices)).join('\n');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(scene.width * scale)}" height="${num(scene.height * scale)}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" data-figure="${escapeXml(scene.figure)}">\n` +
    `<title>${escapeXml(scene.title)}</title>\n` +
    `<defs><marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>\n` +
    (options.background === false ? '' : `<rect class="background" x="0" y="0" width="${scene.width}" height="${scene.height}" fill="#ffffff"/>\n`) +
    body +
    '\n</svg>\n'
  );
}
