import Foundation
import MeshCore

/// Reads `alerts:` and `notify:`, which run configs and scenarios share.
enum AlertReader {
    /// `alerts:` absent means the default rules (`AlertRule.defaults`); `alerts: []` means none.
    /// - Parameter services: the file's service names, to catch a selector naming none of them.
    static func alerts(_ field: Field?, services: Set<String>) throws(ConfigError) -> [AlertRule] {
        guard let field else { return AlertRule.defaults }
        var rules: [AlertRule] = []
        var names = UniqueNames("alert name")
        for item in try field.list() {
            if rules.count == ConfigLimits.alerts { throw item.error("more than \(ConfigLimits.alerts) alert rules") }
            let map = try item.object(["name", "service", "endpoint", "when", "for", "within", "severity"])
            let nameField = try map.required("name")
            let name = try nameField.text()
            try names.insert(name, at: nameField)
            let selector = try self.selector(map, item: item, services: services)
            let whenField = try map.required("when")
            let condition: AlertCondition
            switch AlertCondition.parse(try whenField.string()) {
            case .success(let c): condition = c
            case .failure(let e): throw whenField.error(e.message)
            }
            if case .endpoint = selector, !condition.appliesToEndpoints {
                throw whenField.error("\(condition) is about a service; use service: instead of endpoint:")
            }
            var within: Double?
            if case .threshold(.stateChanges, _, _) = condition {
                within = try map["within"]?.duration(in: ConfigLimits.alertWindow) ?? 60
            } else {
                try map.refuse("within", because: "within is only used by state_changes")
            }
            let holdFor = try map["for"]?.duration(in: ConfigLimits.alertHold) ?? 0
            var severity = AlertChange.Severity.warning
            if let f = map["severity"] {
                let text = try f.string()
                guard let s = AlertChange.Severity(rawValue: text) else {
                    throw f.error("unknown severity '\(text)' (expected info, warning or critical)")
                }
                severity = s
            }
            rules.append(AlertRule(name: name, selector: selector, condition: condition, holdFor: holdFor,
                                   within: within, severity: severity))
        }
        return rules
    }

    private static func selector(_ map: FieldMap, item: Field, services: Set<String>) throws(ConfigError) -> AlertRule.Selector {
        switch (map["service"], map["endpoint"]) {
        case (let s?, nil):
            let pattern = try s.text()
            if !pattern.contains("*"), !services.contains(pattern) { throw s.error("no service named '\(pattern)'") }
            return .service(pattern)
        case (nil, let e?):
            let pattern = try e.text()
            guard pattern == "*" || EndpointRef(pattern) != nil else {
                throw e.error("bad endpoint selector '\(pattern)' (expected *, SERVICE/* or SERVICE/ENDPOINT)")
            }
            let service = pattern.split(separator: "/").first.map(String.init) ?? "*"
            if !service.contains("*"), !services.contains(service) { throw e.error("no service named '\(service)'") }
            return .endpoint(pattern)
        case (_?, let e?):
            throw e.error("give service: or endpoint:, not both")
        case (nil, nil):
            throw item.error("missing service: or endpoint: (use \"*\" for all)")
        }
    }

    static func notify(_ field: Field?) throws(ConfigError) -> [NotifyTarget] {
        guard let field else { return [] }
        var targets: [NotifyTarget] = []
        for item in try field.list() {
            if targets.count == ConfigLimits.notifyTargets { throw item.error("more than \(ConfigLimits.notifyTargets) webhooks") }
            let map = try item.object(["webhook", "format", "ca", "cert", "key"])
            let f = try map.required("webhook")
            let text = try f.text()
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host?.isEmpty == false else {
                throw f.error("bad webhook URL '\(text)' (expected http[s]://HOST[:PORT]/PATH)")
            }
            let tls = NotifyTarget.TLS(ca: try map["ca"]?.filePath(), cert: try map["cert"]?.filePath(), key: try map["key"]?.filePath())
            if tls.cert != nil { _ = try map.required("key", "a client certificate needs its key") }
            if tls.key != nil { _ = try map.required("cert", "a key needs its certificate") }
            if scheme == "http", tls != NotifyTarget.TLS() {
                throw (map["ca"] ?? map["cert"] ?? f).error("ca, cert and key are for https webhooks; '\(text)' is http")
            }
            var format = NotifyTarget.Format.json
            if let ff = map["format"] {
                let name = try ff.string()
                guard let fmt = NotifyTarget.Format(rawValue: name) else {
                    throw ff.error("unknown format '\(name)' (expected alertmanager or json)")
                }
                format = fmt
            }
            targets.append(NotifyTarget(webhook: url, format: format, tls: tls))
        }
        return targets
    }
}
