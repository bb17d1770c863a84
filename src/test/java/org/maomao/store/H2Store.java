package org.maomao.store;

import java.nio.file.Path;

/** An H2 store on disk in a test's directory, opened (and migrated) the way the daemon opens its own. */
final class H2Store {
    private H2Store() {
    }

    static Database open(Path dir) {
        return Database.open(Database.h2Url(dir), "sa", "", 4);
    }
}
