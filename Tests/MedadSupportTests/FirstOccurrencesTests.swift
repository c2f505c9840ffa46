import Testing
import MedadSupport

@Suite struct FirstOccurrencesTests {
    @Test func keepsEachElementOnceInFirstOrder() {
        #expect(["vit-s", "cnn-s", "vit-s", "mamba-s", "cnn-s"].firstOccurrences() == ["vit-s", "cnn-s", "mamba-s"])
        #expect([Int]().firstOccurrences().isEmpty)
    }
}
