// wgsl_reflect is a dev dependency: test/unit/uniforms.test.ts checks src/engine/uniforms.ts against it.
// The package's ESM entry has no declarations of its own; reuse the bundled ones (docs/platform.md).
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect/types/index.js';
}
