import Testing
import MeshCore
@Test func placeholder() { #expect(EndpointRef("a/b") != nil) }
