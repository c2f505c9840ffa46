import MedadConfig
import MedadMethods
import MedadTestSupport
import Testing

/// `medad methods`: the registry's listing through the CLI.
struct MethodsCommandTests {
    @Test func methodsCommandListsParametersAndRefusesUnknownNames() throws {
        let listing = try runProcess(medadExecutable, ["methods", "devnet"])
        #expect(listing.status == 0)
        #expect(listing.output.contains("method.margin = 5  (a number in [0, 100])"))
        #expect(!listing.output.contains("semi:"))
        let json = try runProcess(medadExecutable, ["methods", "--json"])
        guard case .array(let methods) = try JSONParser.parse(json.output, source: "stdout") else {
            Issue.record("methods --json is not a list"); return
        }
        #expect(methods.count == MethodDescription.all.count)
        let unknown = try runProcess(medadExecutable, ["methods", "ddpn"])
        #expect(unknown.status != 0)
        #expect(unknown.error.split(separator: "\n").count == 1 && unknown.error.contains("no method named 'ddpn'"))
    }
}
