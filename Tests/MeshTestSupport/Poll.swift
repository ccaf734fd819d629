import Foundation

/// Asks `condition` every `interval` seconds for up to `seconds` and says whether it came to
/// hold (asked once more at the deadline). Deadlines are generous: these machines are loaded.
public func poll(for seconds: Double, every interval: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(useconds_t(interval * 1e6))
    }
    return condition()
}
