import MedadAnomalies
import MedadSupport
import Testing

@Suite struct AnomalyTypeTests {
    @Test func namesAreStable() {
        #expect(AnomalyType.allCases.map(\.rawValue)
                == ["sphere", "noise", "fpi", "pii", "sink_source", "blur", "cutpaste", "mirror", "shuffle", "blob"])
    }

    @Test func parsesCommaLists() throws {
        #expect(try AnomalyType.parseList("sphere, pii,sink_source,pii") == [.sphere, .pii, .sinkSource])
        #expect(try AnomalyType.parseList("all") == AnomalyType.allCases)
    }

    @Test func unknownNamesListTheAllowedOnes() {
        do {
            _ = try AnomalyType.parseList("sphere,tumour")
            Issue.record("tumour was accepted")
        } catch let error as MedadError {
            #expect(error.message == "--types: unknown anomaly type 'tumour'; allowed: sphere, noise, fpi, pii, sink_source, blur, cutpaste, mirror, shuffle, blob")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: MedadError.self) { try AnomalyType.parseList("") }
    }
}
