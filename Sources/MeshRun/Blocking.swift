import Dispatch

/// Runs async control-plane work to completion from the session's driving thread (a plain
/// thread, never a cooperative one), so that control actions apply in the order they happen.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<T>: @unchecked Sendable {
    // Written once before the semaphore is signalled, read once after.
    var value: T?
}
