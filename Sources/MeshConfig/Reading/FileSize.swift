/// Counts services and endpoints as a file is read, refusing past `ConfigLimits`.
struct FileSize {
    private(set) var services = 0
    private(set) var endpoints = 0

    /// - Parameter item: the service's mapping, where a refusal points.
    mutating func add(service item: Field, endpoints count: Int) throws(ConfigError) {
        services += 1
        guard services <= ConfigLimits.services else {
            throw item.error("more than \(ConfigLimits.services) services in this file (the most mesh-top runs)")
        }
        endpoints += count
        guard endpoints <= ConfigLimits.endpoints else {
            throw (item.lookup("endpoints") ?? item).error(
                "more than \(ConfigLimits.endpoints) endpoints in this file (the most mesh-top runs)")
        }
    }
}
