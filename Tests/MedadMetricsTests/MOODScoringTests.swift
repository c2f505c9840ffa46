import Foundation
import Testing
import MedadMetrics
import MedadSupport
import MedadTestSupport

/// Sample-task folders `<prefix>_label` and `<prefix>_pred` holding `<prefix><i>.txt` per case (no
/// prediction file where it is nil).
func sampleFolders(_ temp: TemporaryFolder, _ prefix: String, _ cases: [(label: String, prediction: String?)]) throws
    -> (predictions: URL, labels: URL) {
    let labels = try temp.folder(prefix + "_label"), predictions = try temp.folder(prefix + "_pred")
    for (i, item) in cases.enumerated() {
        try writeText(item.label, labels, "\(prefix)\(i).txt")
        if let prediction = item.prediction { try writeText(prediction, predictions, "\(prefix)\(i).txt") }
    }
    return (predictions, labels)
}

@Suite struct MOODSampleScoringTests {
    @Test func scoresFolderLikeTheChallenge() throws {
        let temp = try TemporaryFolder()
        let labels = try temp.folder("label"), predictions = try temp.folder("pred")
        let cases: [(label: String, prediction: String?)] = [
            ("1", "0.9"), ("1", "1.7"), ("0", "-0.2"), ("0", "0.4"), ("1", nil), ("0", "zero"), ("1\n", " 0.6 \n"), ("0", "0.6"),
        ]
        for (i, item) in cases.enumerated() {
            try writeText(item.label, labels, "case_\(i).nii.gz.txt")
            if let prediction = item.prediction { try writeText(prediction, predictions, "case_\(i).nii.gz.txt") }
        }
        try writeText("0.5", predictions, "stray.nii.gz.txt")
        try writeText("x", labels, ".hidden")
        let report = try MOODSampleScoring.score(predictions: predictions, labels: labels,
                                                 options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 200)))
        // Clipped, with missing and unparsable predictions as 0.
        let expected = try RankedCounts(scores: [0.9, 1, 0, 0.4, 0, 0, 0.6, 0.6],
                                        labels: [true, true, false, false, true, false, true, false])
        #expect(report[metric: "ap"] == expected.averagePrecision)
        #expect(report[metric: "auroc"] == expected.auroc)
        #expect(report[metric: "fpr_at_95_tpr"] == expected.fpr(atTPR: 0.95))
        #expect(report.cases == 8 && report.anomalousCases == 4)
        #expect(report.warnings.count == 3)
        #expect(report.warnings.contains("case_4.nii.gz.txt: prediction missing, counted as 0"))
        #expect(report.warnings.contains("stray.nii.gz.txt: prediction has no label file (ignored)"))

        let json = try JSONSerialization.jsonObject(with: report.json()) as! [String: Any]
        for key in ["ap", "auroc", "fpr_at_95_tpr", "sensitivity_at_95_specificity", "specificity_at_90_sensitivity", "max_f1", "ci"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let ci = json["ci"] as! [String: Any]
        let apInterval = ci["ap"] as! [Double]
        #expect(apInterval[0] <= apInterval[1] && apInterval[1] <= 1)
        #expect(ci["max_f1_threshold"] == nil)
        #expect(report.table().contains("ap "))
    }

    /// A threshold from a normal-only validation folder (95th percentile of its scores) adds the
    /// at-threshold metrics; F1-optimal on the same folder refuses instead of returning the minimum.
    @Test func thresholdFromNormalOnlyValidation() throws {
        let temp = try TemporaryFolder()
        let (valPredictions, valLabels) = try sampleFolders(temp, "v", (1...5).map { ("0", "0.\($0)") })
        let threshold = try MOODSampleScoring.validationThreshold(.normalPercentile(95), predictions: valPredictions, labels: valLabels)
        #expect(abs(threshold - 0.48) < 1e-12)  // np.percentile([0.1, 0.2, 0.3, 0.4, 0.5], 95)
        #expect(throws: MedadError.self) {
            _ = try MOODSampleScoring.validationThreshold(.f1Optimal, predictions: valPredictions, labels: valLabels)
        }
        let (predictions, labels) = try sampleFolders(temp, "t", [("1", "0.9"), ("1", "0.3"), ("0", "0.2"), ("0", "0.6")])
        let report = try MOODSampleScoring.score(predictions: predictions, labels: labels,
                                                 options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 20), threshold: threshold))
        #expect(report[metric: "sensitivity_at_threshold"] == .value(0.5))
        #expect(report[metric: "specificity_at_threshold"] == .value(0.5))
        #expect(report[metric: "f1_at_threshold"] == .value(0.5))
        #expect(report.threshold == threshold)
    }

    /// `versus` adds DeLong's test and the AP permutation test of the two folders.
    @Test func comparesTwoMethods() throws {
        let temp = try TemporaryFolder()
        let (predictionsA, labels) = try sampleFolders(temp, "a", zip(tiedLabels, tiedScores).map { ($0 ? "1" : "0", "\($1)") })
        let b = try temp.folder("b_pred")
        for (i, score) in tiedScores.enumerated() { try writeText("\(0.9 - 0.5 * score)", b, "a\(i).txt") }
        let report = try MOODSampleScoring.score(predictions: predictionsA, labels: labels,
                                                 options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 99), versus: b))
        let scoresB = tiedScores.map { 0.9 - 0.5 * $0 }
        let delong = try DeLongTest(scoresA: tiedScores, scoresB: scoresB, labels: tiedLabels)
        let comparison = Dictionary(uniqueKeysWithValues: report.comparison.map { ($0.name, $0.value) })
        #expect(abs(comparison["delong_p"]!.number! - delong.pValue.number!) < 1e-12)
        let apA = try RankedCounts(scores: tiedScores, labels: tiedLabels).averagePrecision.number!
        let apB = try RankedCounts(scores: scoresB, labels: tiedLabels).averagePrecision.number!
        #expect(abs(comparison["ap_difference"]!.number! - (apA - apB)) < 1e-12)
        #expect(comparison["ap_permutation_p"]!.number! == 0.01)  // no swap pattern beats the real ordering
        let json = try JSONSerialization.jsonObject(with: report.json()) as! [String: Any]
        #expect((json["comparison"] as! [String: Any])["delong_z"] is Double)
    }

    @Test func oneClassReportsNullWithReason() throws {
        let temp = try TemporaryFolder()
        let (predictions, labels) = try sampleFolders(temp, "n", (0..<3).map { ("0", "0.\($0)") })
        let report = try MOODSampleScoring.score(predictions: predictions, labels: labels,
                                                 options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 20)))
        let json = try JSONSerialization.jsonObject(with: report.json()) as! [String: Any]
        #expect(json["ap"] is NSNull)
        #expect((json["undefined"] as! [String: String])["ap"] == "no positive cases")
        #expect(report.table().contains("undefined: no positive cases"))
    }

    @Test func badInputIsAClearError() throws {
        let temp = try TemporaryFolder()
        let labels = try temp.folder("label"), predictions = try temp.folder("pred")
        try writeText("1", labels, "a.txt")
        try writeText("nan", predictions, "a.txt")
        #expect(throws: MedadError("\(predictions.path)/a.txt: score is nan; scores must be finite numbers")) {
            _ = try MOODSampleScoring.score(predictions: predictions, labels: labels)
        }
        try writeText("2", labels, "a.txt")
        #expect(throws: MedadError("\(labels.path)/a.txt: label must be 0 or 1, got '2'")) {
            _ = try MOODSampleScoring.score(predictions: predictions, labels: labels)
        }
        #expect(throws: MedadError.self) {
            _ = try MOODSampleScoring.score(predictions: predictions, labels: temp.url.appendingPathComponent("nowhere"))
        }
    }
}

@Suite struct MOODPixelScoringTests {
    /// Three 8×8×4 cases through an in-memory loader: a good prediction, a missing one, a misshapen one.
    @Test func pooledVoxelsWithChallengeRules() throws {
        let temp = try TemporaryFolder()
        let labels = try temp.folder("label"), predictions = try temp.folder("pred")
        let dims = [8, 8, 4], n = dims.reduce(1, *)
        var random = SeededRandom(seed: 2)
        var volumes: [String: ScoreVolume] = [:]
        var expectedScores: [[Float]] = [], expectedLabels: [[UInt8]] = []
        for c in 0..<3 {
            let name = "c\(c).nii.gz"
            let label = (0..<n).map { i -> Float in (i % 64) / 8 >= 3 && (i % 64) / 8 <= 4 && i % 8 < 3 + c ? 1 : 0 }
            // Scores above 1 and below 0 are clipped; 0.3001 rounds to half precision 0.30005 (like 0.3 does not).
            let prediction = label.map { $0 == 1 ? 0.3001 + random.nextFloat() : random.nextFloat() * 0.5 - 0.1 }
            volumes["label/" + name] = ScoreVolume(dims: dims, voxels: label)
            try writeText("", labels, name)
            if c == 0 {
                volumes["pred/" + name] = ScoreVolume(dims: dims, voxels: prediction)
                try writeText("", predictions, name)
                expectedScores.append(prediction.map { Float(Float16(min(max($0, 0), 1))) })
            } else {
                if c == 2 {
                    volumes["pred/" + name] = ScoreVolume(dims: [8, 8, 2], voxels: [Float](repeating: 0.5, count: 128))
                    try writeText("", predictions, name)
                }
                expectedScores.append([Float](repeating: 0, count: n))
            }
            expectedLabels.append(label.map { UInt8($0) })
        }
        let loader: MOODVolumeLoader = { url in
            guard let volume = volumes[url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent] else {
                throw MedadError("\(url.path): not in the test's volumes")
            }
            return volume
        }
        let report = try MOODPixelScoring.score(predictions: predictions, labels: labels, loader: loader,
                                                options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 50), threshold: 0.3))
        let pooled = try PooledRanking(scores: expectedScores, labels: expectedLabels)
        #expect(abs(report[metric: "ap"]!.number! - pooled.averagePrecision.number!) < 1e-12)
        #expect(abs(report[metric: "auroc"]!.number! - pooled.auroc.number!) < 1e-12)
        #expect(abs(report[metric: "best_dice"]!.number! - pooled.bestDice.number!) < 1e-12)
        #expect(report.warnings.count == 2)
        #expect(report.warnings.contains { $0.hasPrefix("c2.nii.gz: prediction has shape [8, 8, 2]") })
        #expect(report.anomalousCases == 3)
        #expect(report[metric: "froc_average"]?.number != nil)
        #expect(report[metric: "aupro_30"]?.number != nil)
        #expect(report[metric: "dice_at_threshold"]?.number != nil)
        let json = try JSONSerialization.jsonObject(with: report.json()) as! [String: Any]
        #expect((json["ci"] as! [String: Any])["ap"] is [Double])
    }

    /// The challenge reads predictions as float16 (nibabel get_fdata(dtype=np.float16)): neighbouring scores
    /// such as 0.30011 and 0.30019 tie. Reference: sklearn 1.9.1 average_precision_score / roc_auc_score on
    /// np.clip(pred.astype(np.float16), 0, 1) of both cases concatenated (inputs from numpy default_rng(5)).
    @Test func halfPrecisionLikeTheChallenge() throws {
        let scores: [[Float]] = [
            [-0.09863, 0.30093, 0.30044, 1.20000, 0.30081, 0.30138, -0.09873, 0.30144, 0.30229, 0.30039,
            0.30078, 0.30174, 0.30076, 0.30143, 0.30123, 0.30188, 0.30198, 0.30145, 0.30162, 0.30067, -0.09857,
            0.30170, 0.30080, 0.30205, -0.09904, -0.09808, 0.30098, 0.30080, 0.30000, 0.30171, 0.30126,
            0.30260, 0.30185, 0.30065, 0.30247, 0.30038, 0.30165, 0.30031, 0.30129, 0.30015, 0.30172, 0.30166,
            0.30077, 0.30105, 0.30052, 0.30098, 0.30111, 0.30070, 0.30234, 0.30056, 0.30145, 0.30011, -0.09999,
            0.30039, 0.30068, -0.09814, 0.30178, 0.30140, -0.09909, 0.30133],
            [0.30131, 0.30045, 0.30075, 0.30007, 0.30018, 0.30032, 0.30036, 0.30183, -0.09872, 0.30165, 0.30001,
            0.30012, 0.30012, 0.30221, 0.30163, 0.30003, -0.09741, 0.30045, 0.30143, 0.30117, 0.30041, 0.30195,
            0.30162, 0.30114, 0.30114, 0.30056, 0.30147, 0.30198, 0.30119, 0.30017, 0.30204, 0.30133, 0.30098,
            0.30131, 0.30052, 0.30061, 0.30103, 0.30014, 0.30118, 0.30036, -0.09949, 0.30180, 0.30118, 0.30094,
            0.30140, 0.30199, -0.09820, 0.30160, 0.30158, -0.09883, 0.30148, 0.30018, -0.09861, -0.09896,
            0.30104, 0.30231, 0.30015, 0.30043, 0.30198, 0.30075],
        ]
        let labels: [[Float]] = [
            [0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0,
            0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
            [0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1],
        ]
        let summaries = try (0..<2).map {
            try PixelCaseSummary(name: "c\($0)", prediction: scores[$0], label: ScoreVolume(dims: [5, 4, 3], voxels: labels[$0]))
        }
        let report = MOODPixelScoring.score(summaries: summaries, options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 10)))
        #expect(abs(report[metric: "ap"]!.number! - 0.4718637049488114) < 1e-9)
        #expect(abs(report[metric: "auroc"]!.number! - 0.7092592592592593) < 1e-9)
    }

    /// Pixel comparison: the pooled AP difference of the real cases, and per-case Dice differences.
    @Test func comparesTwoMethodsPerVoxel() throws {
        var random = SeededRandom(seed: 30)
        let dims = [6, 6, 2], n = dims.reduce(1, *)
        var a: [PixelCaseSummary] = [], b: [PixelCaseSummary] = [], scoresA: [[Float]] = [], scoresB: [[Float]] = [], masks: [[UInt8]] = []
        for c in 0..<6 {
            let label = (0..<n).map { i -> Float in i % 6 < 2 && i / 6 % 6 < 2 + c % 3 ? 1 : 0 }
            let good = label.map { Float(random.nextInt(16)) / 32 + $0 / 2 }, poor = label.map { _ in Float(random.nextInt(32)) / 32 }
            a.append(try PixelCaseSummary(name: "c\(c)", prediction: good, label: ScoreVolume(dims: dims, voxels: label)))
            b.append(try PixelCaseSummary(name: "c\(c)", prediction: poor, label: ScoreVolume(dims: dims, voxels: label)))
            scoresA.append(good); scoresB.append(poor); masks.append(label.map { UInt8($0) })
        }
        let tests = Dictionary(uniqueKeysWithValues: MOODComparison.pixel(a, versus: b, threshold: 0.5, resamples: 199, seed: 1)
            .map { ($0.name, $0.value) })
        let apA = try PooledRanking(scores: scoresA, labels: masks).averagePrecision.number!
        let apB = try PooledRanking(scores: scoresB, labels: masks).averagePrecision.number!
        #expect(abs(tests["ap_difference"]!.number! - (apA - apB)) < 1e-12)
        // Six cases allow 64 swap patterns, so p cannot drop below about 2 / 64.
        #expect(tests["ap_permutation_p"]!.number! < 0.1)
        let diceA = a.map { $0.counts.f1(atThreshold: 0.5).number! }, diceB = b.map { $0.counts.f1(atThreshold: 0.5).number! }
        #expect(abs(tests["mean_case_dice_difference"]!.number! - (diceA.reduce(0, +) - diceB.reduce(0, +)) / 6) < 1e-12)
        #expect(MOODComparison.pixel(a, versus: b, threshold: nil, resamples: 9, seed: 1).last!.value == .undefined("no threshold given"))
    }
}

/// Writes one small text file (a sample label or score) into a case folder.
func writeText(_ text: String, _ folder: URL, _ name: String) throws {
    try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}
