// Small procedural textures: the LED glow and the contact shadow (radial gradients drawn on a canvas).
import { CanvasTexture, SRGBColorSpace } from 'three'

export function radialTexture(canvas: HTMLCanvasElement, stops: Array<[number, string]>, size = 64): CanvasTexture {
  canvas.width = size
  canvas.height = size
  const ctx = canvas.getContext('2d')
  if (ctx) {
    const g = ctx.createRadialGradient(size / 2, size / 2, 0, size / 2, size / 2, size / 2)
    for (const [at, color] of stops) g.addColorStop(at, color)
    ctx.fillStyle = g
    ctx.fillRect(0, 0, size, size)
  }
  const t = new CanvasTexture(canvas)
  t.colorSpace = SRGBColorSpace
  return t
}

export const glowStops: Array<[number, string]> = [
  [0, 'rgba(255,255,255,0.9)'],
  [0.25, 'rgba(255,255,255,0.35)'],
  [1, 'rgba(255,255,255,0)'],
]

export const shadowStops: Array<[number, string]> = [
  [0, 'rgba(0,0,0,0.75)'],
  [0.55, 'rgba(0,0,0,0.45)'],
  [1, 'rgba(0,0,0,0)'],
]
