/** Styles of `<superposition-phase-diagram>`, themed through the CSS custom properties its class documents. */
import { css } from 'lit';

export const diagramStyles = css`
  :host {
    display: block;
    color: var(--superposition-ink, #222);
    background: var(--superposition-background, #fff);
    font-family: var(--superposition-font, system-ui, sans-serif);
    font-size: 13px;
    min-width: 280px;
  }
  :host([hidden]) {
    display: none;
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    flex-wrap: wrap;
    margin-bottom: 0.25rem;
  }
  button {
    font: inherit;
    padding: 0.2rem 0.8rem;
    border: 1px solid var(--superposition-muted, #666);
    border-radius: 4px;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--superposition-accent, #d62728);
    outline-offset: 1px;
  }
  progress {
    width: 9rem;
    height: 0.6rem;
    accent-color: var(--superposition-accent, #d62728);
  }
  .status {
    color: var(--superposition-muted, #666);
    font-variant-numeric: tabular-nums;
  }
  .figure {
    position: relative;
    width: 100%;
    overflow: hidden;
  }
  canvas.plot,
  .hit {
    position: absolute;
    image-rendering: pixelated;
  }
  .hit {
    cursor: crosshair;
    outline: none;
  }
  svg.axes {
    position: absolute;
    left: 0;
    top: 0;
    pointer-events: none;
    overflow: visible;
  }
  .frame-line {
    fill: none;
    stroke: var(--superposition-ink, #222);
    stroke-width: 1;
  }
  .tick {
    stroke: var(--superposition-ink, #222);
  }
  .tick-label {
    fill: var(--superposition-ink, #222);
    font-size: 11px;
    font-variant-numeric: tabular-nums;
  }
  .axis-title {
    fill: var(--superposition-ink, #222);
    font-size: 13px;
  }
  .crosshair line {
    stroke: var(--superposition-accent, #d62728);
    stroke-opacity: 0.55;
    stroke-width: 1;
    stroke-dasharray: 3 3;
  }
  .focus {
    fill: none;
    stroke: var(--superposition-accent, #d62728);
    stroke-width: 2.5;
  }
  .selected {
    fill: none;
    stroke: var(--superposition-ink, #222);
    stroke-width: 1.5;
  }
  .theory {
    fill: none;
    stroke: var(--superposition-theory, #111);
    stroke-width: 2;
    stroke-dasharray: 6 3;
  }
  .legend {
    position: absolute;
    list-style: none;
    margin: 0;
    padding: 0;
    font-size: 12px;
  }
  .legend li {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    margin-bottom: 0.35rem;
  }
  .swatch {
    display: inline-block;
    width: 14px;
    height: 14px;
    border: 1px solid var(--superposition-ink, #222);
  }
  .legend .missing .swatch {
    background: #f4f4f4;
  }
  .theory-swatch {
    border: none;
    border-top: 2px dashed var(--superposition-theory, #111);
    height: 0;
  }
  .colorbar {
    position: absolute;
    width: 110px;
  }
  .colorbar .bar {
    position: absolute;
    left: 0;
    top: 0;
    bottom: 0;
    width: 14px;
    border: 1px solid var(--superposition-ink, #222);
  }
  .bar-tick {
    position: absolute;
    left: 20px;
    transform: translateY(50%);
    font-size: 11px;
    font-variant-numeric: tabular-nums;
  }
  .bar-title {
    position: absolute;
    left: 62px;
    top: 50%;
    transform: translate(-50%, -50%) rotate(-90deg);
    white-space: nowrap;
    font-size: 12px;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    background: var(--superposition-background, #fff);
    border: 1px solid var(--superposition-muted, #666);
    border-radius: 4px;
    padding: 0.35rem 0.5rem;
    font-size: 12px;
    line-height: 1.4;
    box-shadow: 0 2px 6px rgb(0 0 0 / 0.15);
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
    z-index: 2;
  }
  .message {
    position: absolute;
    inset: 12% 12% auto 12%;
    background: var(--superposition-background, #fff);
    border: 1px solid var(--superposition-accent, #d62728);
    border-radius: 6px;
    padding: 0.8rem 1rem;
    z-index: 3;
    line-height: 1.45;
  }
  .message p {
    margin: 0.4rem 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  superposition-cell-inspector {
    margin-top: 0.75rem;
  }
`;
