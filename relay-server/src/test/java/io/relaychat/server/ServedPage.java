package io.relaychat.server;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;

import java.util.Map;

/**
 * A browser test class's fixture (a JUnit extension): the real server on a random port, serving the web client, and
 * one Chromium of the given window, both started before the class's tests and closed after them. Where Chromium or
 * chromedriver is not installed the class's tests are skipped, saying why ({@link Browser#assumeInstalled()}).
 */
final class ServedPage implements BeforeAllCallback, AfterAllCallback {
    private final Dimension window;
    private final Map<String, String> env;
    private RunningServer server;
    private Browser browser;

    ServedPage(Dimension window) {
        this(window, Map.of());
    }

    /** {@code env}: settings of the server that differ from its defaults. */
    ServedPage(Dimension window, Map<String, String> env) {
        this.window = window;
        this.env = env;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Browser.assumeInstalled();
        server = RunningServer.start(env);
        browser = Browser.start(context.getRequiredTestClass(), window);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    RunningServer server() {
        return server;
    }

    Browser browser() {
        return browser;
    }
}
