package io.relaychat.loadtest;

/**
 * {@code java -jar relay-loadtest.jar [options]} drives a running server; {@code ... ceiling-server --port P}
 * runs the bare broadcast server to compare with. See {@link Options#usage()}.
 */
public final class LoadTestMain {
    private LoadTestMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(Options.usage());
            return;
        }
        if (args.length > 0 && args[0].equals("ceiling-server")) {
            int port = args.length > 2 && args[1].equals("--port") ? Integer.parseInt(args[2]) : 9001;
            CeilingServer ceiling = new CeilingServer("127.0.0.1", port);
            Runtime.getRuntime().addShutdownHook(new Thread(ceiling::close));
            System.out.println("ceiling server listening on ws://127.0.0.1:" + ceiling.port() + "/api/ws (pid "
                    + ProcessHandle.current().pid() + ")");
            Thread.currentThread().join();
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("relay-loadtest: " + e.getMessage());
            System.err.println(Options.usage());
            System.exit(2);
            return;
        }
        if (options.workerIndex() >= 0) {
            Distributed.work(options);
            System.exit(0);
            return;
        }
        LoadTest.Result result = options.processes() > 1
                ? Distributed.coordinate(options, java.util.List.of(args))
                : new LoadTest(options).run();
        Report.print(options, result);
        if (options.json() != null) {
            Report.writeJson(options.json(), options, result);
            System.out.println("  results written to " + options.json());
        }
        System.exit(0);
    }
}
