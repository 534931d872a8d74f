// Browser mode build: renderer/ → dist-web/, served by `racklab serve`. electron-vite reuses the same renderer root.
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  root: r('./renderer'),
  // relative asset URLs, so the build works wherever the server mounts it (and from file:// in Electron)
  base: './',
  plugins: [vue()],
  resolve: { alias: { '@contract': r('./preload/contract') } },
  build: { outDir: r('./dist-web'), emptyOutDir: true },
})
