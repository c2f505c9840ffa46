import Foundation

/// The shell MOOD runs its scripts with.
let shell = URL(fileURLWithPath: "/bin/sh")
