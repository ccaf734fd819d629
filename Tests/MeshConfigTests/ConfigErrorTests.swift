import Testing
@testable import MeshConfig
@Test func configErrorNamesFileLineAndKey() {
    #expect(ConfigError(file: "mesh.yaml", line: 3, key: "services[0].balancer", message: "unknown").description
        == "mesh.yaml:3: services[0].balancer: unknown")
}
