import Testing
import MedadSupport

@Suite struct SeededRandomTests {
    @Test func sameSeedSameStream() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func differentSeedsAndSplitsDiffer() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 2)
        #expect(a.next() != b.next())
        let parent = SeededRandom(seed: 7)
        var s0 = parent.split(0), s1 = parent.split(1)
        #expect(s0.next() != s1.next())
        var again = parent.split(0), first = parent.split(0)
        #expect(again.next() == first.next())
    }

    @Test func uniformAndNormalMoments() {
        var rng = SeededRandom(seed: 3)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, uniformSum = 0.0
        for _ in 0..<n {
            let z = rng.nextNormal()
            sum += z; sumSq += z * z
            let u = Double(rng.nextFloat())
            #expect(u >= 0 && u < 1)
            uniformSum += u
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(sumSq / Double(n) - 1) < 0.02)
        #expect(abs(uniformSum / Double(n) - 0.5) < 0.01)
    }
}
