/**
 * @custom-elements-manifest/analyzer configuration: `cem analyze` (the last step of
 * `npm run build`) reads the element classes' JSDoc (@element, @attr, @fires, @csspart, @cssprop)
 * and Lit decorators and writes custom-elements.json, which package.json's "customElements" names
 * for editors, Storybook and documentation tools.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * Tidies what the analyzer cannot see on its own:
 * - tags registered in a loop (src/components/inspector/define.ts: `[['superposition-…', Class], …]`
 *   then `customElements.define(tag, ctor)`) get their tagName and a proper definition export
 *   instead of one named "tag";
 * - events dispatched through a helper (`new CustomEvent(type, …)`) would appear as an event
 *   literally named "type": they are dropped; the real ones come from the class's @fires;
 * - module references are made package-relative source paths (`src/…/x.ts`), the same form as
 *   every module's own `path`.
 */
function superpositionTidy() {
  const tagsByClass = new Map(); // class name -> tag
  const definingModules = new Map(); // module path -> tags defined there in a loop
  const variableEventNames = new Set();
  const toSourcePath = (from, ref) => {
    let p = ref.startsWith('/') ? ref.slice(1) : ref.startsWith('.') ? posix.join(posix.dirname(from), ref) : ref;
    if (p.endsWith('.js') && existsSync(p.replace(/\.js$/, '.ts'))) p = p.replace(/\.js$/, '.ts');
    return p;
  };
  return {
    name: 'superposition-tidy',
    analyzePhase({ ts, node, moduleDoc }) {
      // ['superposition-x', SuperpositionX] pairs
      if (ts.isArrayLiteralExpression(node) && node.elements.length === 2) {
        const [tag, cls] = node.elements;
        if (ts.isStringLiteral(tag) && /^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(tag.text) && ts.isIdentifier(cls)) {
          tagsByClass.set(cls.text, tag.text);
          const list = definingModules.get(moduleDoc.path) ?? [];
          list.push({ tag: tag.text, cls: cls.text });
          definingModules.set(moduleDoc.path, list);
        }
      }
      // new CustomEvent(identifier, …)
      if (ts.isNewExpression(node) && node.expression.getText() === 'CustomEvent' && node.arguments?.[0] && ts.isIdentifier(node.arguments[0])) {
        variableEventNames.add(node.arguments[0].text);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      const classModule = new Map();
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (decl.kind === 'class') classModule.set(decl.name, mod.path);
          if (!decl.customElement) continue;
          if (!decl.tagName && tagsByClass.has(decl.name)) decl.tagName = tagsByClass.get(decl.name);
          if (decl.events) decl.events = decl.events.filter((e) => !(variableEventNames.has(e.name) && !e.description));
        }
      }
      for (const mod of customElementsManifest.modules) {
        const loopTags = definingModules.get(mod.path);
        if (loopTags && mod.exports) {
          mod.exports = mod.exports.filter((e) => !(e.kind === 'custom-element-definition' && !loopTags.some((t) => t.tag === e.name)));
          for (const { tag, cls } of loopTags) {
            if (!classModule.has(cls)) continue;
            mod.exports.push({ kind: 'custom-element-definition', name: tag, declaration: { name: cls, module: classModule.get(cls) } });
          }
        }
        for (const e of mod.exports ?? []) {
          if (e.declaration?.module) e.declaration.module = toSourcePath(mod.path, e.declaration.module);
        }
      }
    },
  };
}

export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['**/*.test.ts', '**/*.d.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest; do not rewrite the file on every build.
  packagejson: false,
  dependencies: false,
  plugins: [superpositionTidy()],
};
