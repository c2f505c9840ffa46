import CKernels
import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import Testing

/// ddpm's schedules, forward process, DDPM posterior, DDIM step and simplex noise against values that
/// diffusers' schedulers and the `opensimplex` package computed on the same inputs
/// (Fixtures/diffusion_reference.json, from `python3 -m medad_twins diffusion-fixtures`).
struct DiffusionReferenceTests {
    private static let reference: JSONValue = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/diffusion_reference.json")
        return try! JSONParser.parse(file: url)
    }()

    private func numbers(_ path: String) -> [Double] {
        guard case .array(let items)? = ConfigComposition.value(at: path, in: Self.reference) else { return [] }
        return items.compactMap { if case .number(let n) = $0 { return n } else { return nil } }
    }

    private func number(_ path: String) -> Double {
        guard case .number(let n)? = ConfigComposition.value(at: path, in: Self.reference) else { return .nan }
        return n
    }

    /// |got − expected| ≤ tolerance · max(1, |expected|) for every entry.
    private func expectClose(_ got: [Double], _ expected: [Double], _ what: String, tolerance: Double = 1e-5) {
        #expect(got.count == expected.count && !expected.isEmpty, "\(what): \(got.count) values, expected \(expected.count)")
        for (g, e) in zip(got, expected) {
            #expect(abs(g - e) <= tolerance * max(1, abs(e)), "\(what): \(g) against \(e)")
        }
    }

    @Test(arguments: NoiseSchedule.Kind.allCases)
    func schedulesMatchDiffusers(kind: NoiseSchedule.Kind) {
        let schedule = NoiseSchedule(kind)
        let steps = numbers("schedules.\(kind.rawValue).t").map { Int($0) }
        expectClose(steps.map { schedule.betas[$0] }, numbers("schedules.\(kind.rawValue).beta"), "\(kind) β")
        expectClose(steps.map { schedule.alphaBars[$0] }, numbers("schedules.\(kind.rawValue).alpha_bar"), "\(kind) ᾱ")
    }

    @Test func forwardProcessPosteriorAndNoiseInversionMatchDiffusers() {
        let schedule = NoiseSchedule(.linear), t = Int(number("process.t"))
        let x0 = numbers("process.x0"), noise = numbers("process.noise"), xt = numbers("process.xt")
        let m = schedule.marginal(t)
        expectClose(zip(x0, noise).map { m.signal * $0 + m.noise * $1 }, numbers("process.q_sample"), "q(x_t | x_0)")
        let p = schedule.posterior(t)
        expectClose(zip(x0, xt).map { p.x0 * $0 + p.xt * $1 }, numbers("process.posterior_mean"), "posterior mean")
        expectClose([p.variance], [number("process.posterior_variance")], "posterior variance")
        let inverse = schedule.x0FromNoise(t)
        expectClose(zip(xt, noise).map { inverse.xt * $0 + inverse.noise * $1 }, numbers("process.x0_from_eps"), "x_0 from ε")
    }

    @Test func ddimStepMatchesDiffusers() {
        let schedule = NoiseSchedule(.linear)
        #expect(NoiseSchedule.descending(from: 900, count: 10) == numbers("ddim.timesteps").map { Int($0) })
        #expect(NoiseSchedule.descending(from: 250, count: 1) == [250])
        #expect(NoiseSchedule.descending(from: 3, count: 50) == [3, 2, 1, 0])
        let xt = numbers("ddim.xt"), eps = numbers("ddim.eps")
        let inverse = schedule.x0FromNoise(Int(number("ddim.from")))
        let x0 = zip(xt, eps).map { inverse.xt * $0 + inverse.noise * $1 }
        expectClose(x0, numbers("ddim.x0"), "DDIM x̂_0")
        let step = schedule.ddim(to: Int(number("ddim.to")))
        expectClose(zip(x0, eps).map { step.x0 * $0 + step.noise * $1 }, numbers("ddim.prev"), "DDIM step 500 → 400")
        let last = schedule.x0FromNoise(0), end = schedule.ddim(to: -1)
        let final = zip(xt, eps).map { (last.xt * $0 + last.noise * $1, $1) }.map { end.x0 * $0.0 + end.noise * $0.1 }
        expectClose(final, numbers("ddim.final"), "DDIM last step to the clean image")
    }

    @Test func simplexNoiseMatchesOpenSimplex() {
        guard case .array(let points)? = ConfigComposition.value(at: "simplex.points", in: Self.reference),
              case .array(let seeds)? = ConfigComposition.value(at: "simplex.seeds", in: Self.reference) else {
            Issue.record("no simplex reference"); return
        }
        let coordinates: [[Double]] = points.map { point in
            guard case .array(let xyz) = point else { return [] }
            return xyz.compactMap { if case .number(let n) = $0 { return n } else { return nil } }
        }
        var table = ck_simplex_table()
        for entry in seeds {
            guard case .number(let seed)? = ConfigComposition.value(at: "seed", in: entry),
                  case .array(let values)? = ConfigComposition.value(at: "values", in: entry) else { continue }
            ck_simplex_table_init(&table, Int64(seed))
            let got = coordinates.map { ck_simplex_noise3(&table, $0[0], $0[1], $0[2]) }
            let expected = values.compactMap { if case .number(let n) = $0 { return n } else { return nil } }
            // Within the radius every lattice point counts here, where OpenSimplex's enumeration skips a few
            // whose kernel is nearly spent (noise_simplex.c): differences stay below 2e-4 (noise std 0.31).
            expectClose(got, expected, "noise3, seed \(Int64(seed))", tolerance: 2e-4)
        }
        let (height, width) = (Int(number("simplex.grid.height")), Int(number("simplex.grid.width")))
        ck_simplex_table_init(&table, Int64(number("simplex.grid.seed")))
        var grid = [Float](repeating: 0, count: height * width)
        ck_simplex_octaves(&table, Int32(height), Int32(width), number("simplex.grid.t"), Int32(number("simplex.grid.octaves")),
                           number("simplex.grid.persistence"), number("simplex.grid.frequency"), &grid)
        // Six octaves with amplitudes summing to 3.69 add up to six such differences.
        expectClose(grid.map(Double.init), numbers("simplex.grid.values"), "octave grid (AnoDDPM's rand_3d_fixed_T_octaves)",
                    tolerance: 8e-4)
    }
}
