// Lets pending promise chains (store refreshes, call replies) settle before the test looks.
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}
