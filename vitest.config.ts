import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url))
const alias = { electron: r('./tests/stubs/electron.ts'), '@contract': r('./preload/contract') }

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', environment: 'node', include: ['main/**/*.spec.ts', 'preload/**/*.spec.ts', 'tests/bench/**/*.spec.ts'] },
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: { name: 'renderer', environment: 'jsdom', include: ['renderer/**/*.spec.ts'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
