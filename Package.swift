// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "DomainFlow",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DomainFlowClient", targets: ["DomainFlowClient"]),
        .executable(name: "domainflow-server", targets: ["domainflow-server"]),
        .executable(name: "domainflow", targets: ["domainflow"]),
        .executable(name: "domainflow-loadtest", targets: ["domainflow-loadtest"]),
        .executable(name: "domainflow-fuzz", targets: ["domainflow-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c",
                       providers: [.apt(["libprotobuf-c-dev"])]),
        .target(name: "DomainFlowProtoC", dependencies: ["CProtobufC"],
                cSettings: [.headerSearchPath("include")]),
        .target(name: "DomainFlowWire", dependencies: [
            "DomainFlowProtoC", "CProtobufC",
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowCore", swiftSettings: strict),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CLinuxEvents"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The epoll event loops the server's connections and the store's pipelined connections run on.
        .target(name: "DomainFlowEventLoop", dependencies: [
            "CLinuxEvents",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowStore", dependencies: [
            "CLibPQ", "DomainFlowCore", "DomainFlowEventLoop",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowEngine", dependencies: [
            "DomainFlowCore", "DomainFlowStore", "CLinuxEvents", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowServer", dependencies: [
            "DomainFlowWire", "DomainFlowStore", "DomainFlowCore", "DomainFlowEngine", "DomainFlowEventLoop", "CCrypt", "CLinuxEvents",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowClient", dependencies: [
            "DomainFlowWire", "DomainFlowCore", "DomainFlowEventLoop",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], swiftSettings: strict),
        .executableTarget(name: "domainflow-server", dependencies: [
            "DomainFlowServer", "DomainFlowStore", "DomainFlowCore", "DomainFlowEngine", "DomainFlowEventLoop", "CLinuxEvents",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "DomainFlowLoadTest", dependencies: [
            "DomainFlowClient", "DomainFlowWire", "DomainFlowStore", "DomainFlowCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "domainflow-loadtest", dependencies: [
            "DomainFlowLoadTest", "DomainFlowCore", "DomainFlowEngine",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), "DomainFlowWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "domainflow", dependencies: [
            "DomainFlowClient", "DomainFlowCore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // The fuzzer's checks and seeds (issue #17), and its entry: libFuzzer's with -DFUZZING (Scripts/fuzz), else a replay tool.
        .target(name: "DomainFlowFuzzing", dependencies: [
            "DomainFlowWire", .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .executableTarget(name: "domainflow-fuzz", dependencies: ["DomainFlowFuzzing"], swiftSettings: strict),
        .testTarget(name: "DomainFlowWireTests", dependencies: ["DomainFlowWire", "DomainFlowFuzzing"], swiftSettings: strict),
        .testTarget(name: "DomainFlowEventLoopTests", dependencies: ["DomainFlowEventLoop"], swiftSettings: strict),
        .testTarget(name: "DomainFlowCoreTests", dependencies: ["DomainFlowCore"], swiftSettings: strict),
        .target(name: "DomainFlowTestSupport", dependencies: ["DomainFlowStore"], path: "Tests/DomainFlowTestSupport",
                swiftSettings: strict),
        .testTarget(name: "DomainFlowStoreTests", dependencies: ["DomainFlowStore", "DomainFlowTestSupport", "DomainFlowEventLoop"],
                    swiftSettings: strict),
        .testTarget(name: "DomainFlowServerTests", dependencies: [
            "DomainFlowServer", "DomainFlowClient", "DomainFlowWire", "DomainFlowStore", "DomainFlowTestSupport",
            "DomainFlowLoadTest", "DomainFlowEngine",
        ], swiftSettings: strict),
    ]
)
