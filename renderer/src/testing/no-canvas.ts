// jsdom has no 2D canvas and logs an error on every getContext call (xterm calls it when its module loads).
// The scene's labels and textures work without a context, so tests say "none" quietly. Import this first.
HTMLCanvasElement.prototype.getContext = (() => null) as unknown as typeof HTMLCanvasElement.prototype.getContext
