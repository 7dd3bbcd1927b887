/**
 * Styles shared by the inspector elements. Every colour and font goes through a CSS custom
 * property with a fallback, so a page themes all four elements at once:
 * --superposition-ink (text), --superposition-muted (secondary text, axes),
 * --superposition-faint (guides: unit circle, grid, threshold), --superposition-font.
 */
import { css } from 'lit';

export const inspectorBaseStyles = css`
  :host {
    display: block;
    color: var(--superposition-ink, currentColor);
    font-family: var(--superposition-font, system-ui, sans-serif);
    font-size: 0.875rem;
  }
  :host([hidden]) {
    display: none;
  }
  svg {
    display: block;
    width: 100%;
    height: auto;
    overflow: visible;
  }
  text {
    fill: var(--superposition-ink, currentColor);
    font-family: var(--superposition-font, system-ui, sans-serif);
  }
  .muted {
    color: var(--superposition-muted, #666);
    fill: var(--superposition-muted, #666);
  }
  .guide {
    fill: none;
    stroke: var(--superposition-faint, #ccc);
    stroke-width: 0.75;
  }
  p.note {
    margin: 0;
    color: var(--superposition-muted, #666);
  }
`;
