// The part of papaparse 5.7 (which ships no types) that csv-events.ts uses.
declare module 'papaparse' {
  interface ParseError {
    type: string
    code: string
    message: string
    row?: number
  }
  interface ParseStepResult<T> {
    data: T
    errors: ParseError[]
    meta: { cursor: number; delimiter: string; linebreak: string; aborted: boolean; truncated: boolean }
  }
  interface ParseConfig<T> {
    skipEmptyLines?: boolean | 'greedy'
    delimiter?: string
    step?(result: ParseStepResult<T>, parser: { abort(): void }): void
  }
  interface PapaStatic {
    parse<T>(input: string, config: ParseConfig<T>): void
  }
  const Papa: PapaStatic
  export default Papa
}
