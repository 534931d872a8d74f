import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url))
const alias = { '@contract': r('./preload/contract') }

export default defineConfig({
  main: {
    resolve: { alias },
    build: { rollupOptions: { input: { index: r('./main/shell/index.ts') } } },
  },
  preload: {
    resolve: { alias },
    // sandboxed preloads must be one CommonJS file
    build: { rollupOptions: { input: { index: r('./preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: r('./renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: { rollupOptions: { input: { index: r('./renderer/index.html') } } },
  },
})
