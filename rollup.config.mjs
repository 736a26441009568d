// dist/index.js, built as actions/typescript-action builds its bundle: rollup resolves the ES
// modules (the @actions toolkit ships ESM only) and keeps only what the action reaches.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import license from 'rollup-plugin-license'

/**
 * Library modules that do work on import the action never needs: core's OIDC client brings
 * @actions/http-client and undici (a third of the bundle); @actions/github builds Octokit and
 * proxy agents on import, where the action only reads `context`. Rollup cannot prove such a
 * module pure, so it is told; a module the action does call into is bundled whatever this says.
 */
const UNUSED_ON_IMPORT = [
  /node_modules\/(undici|tunnel|@actions\/http-client|@octokit\/[^/]+)\//,
  /node_modules\/@actions\/github\/lib\/(utils|internal\/utils)\.js/
]

/** One bundle: the main step (dist/index.js) or the post step (dist/post/index.js). */
function bundle(input, file, extraPlugins) {
  return {
    input,
    treeshake: { moduleSideEffects: (id) => !UNUSED_ON_IMPORT.some((pattern) => pattern.test(id)) },
    output: { file, format: 'es', esModule: true, inlineDynamicImports: true },
    // Known and harmless in the libraries' own TypeScript output (__awaiter's `this`, core ⇄ oidc).
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
      warn(warning)
    },
    plugins: [
      typescript({ noEmit: false, include: ['src/**/*.ts'] }),
      nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
      commonjs(),
      json(),
      ...extraPlugins
    ]
  }
}

export default [
  bundle('src/main.ts', 'dist/index.js', [
    // The bundle redistributes its dependencies: their licenses travel with it.
    license({ thirdParty: { output: 'dist/licenses.txt', includePrivate: false } }),
    // dist/index.js is an ES module even where the action is checked out without package.json.
    {
      name: 'dist-package-json',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'package.json',
          source: '{\n  "type": "module"\n}\n'
        })
      }
    }
  ]),
  // The post step (runs.post) bundles the same dependencies: dist/licenses.txt and
  // dist/package.json cover it too.
  bundle('src/post.ts', 'dist/post/index.js', [])
]
