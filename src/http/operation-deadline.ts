/**
 * LIMIT_OPERATION_TIMEOUT_MS, from the request's arrival to its answer. When it passes, the caller gets
 * OPERATION_TIMEOUT (HTTP 503) at once, and the operation is marked so that no bank read starts for it any more; what
 * was already in flight finishes within the bank timeouts and fills the cache. Execution itself is bounded by the
 * operation limits (cost), so the abandoned remainder is bounded too.
 */
export const TIMED_OUT = Symbol('timed out')

export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => void,
): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      onTimeout()
      resolve(TIMED_OUT)
    }, timeoutMs)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
