// async-exit-hook ships no types; only what EmbeddedPostgres.ts uses.
declare module "async-exit-hook" {
  interface AsyncExitHook {
    (hook: (done?: () => void) => void): void
    unhookEvent(event: string): void
    hookedEvents(): Array<string>
  }
  const add: AsyncExitHook
  export default add
}
