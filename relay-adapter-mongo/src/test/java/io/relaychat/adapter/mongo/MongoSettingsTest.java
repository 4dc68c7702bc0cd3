package io.relaychat.adapter.mongo;

import com.mongodb.WriteConcern;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which write concern applies: the one given, else the connection string's as written, else majority and journal. */
class MongoSettingsTest {
    private static final String DB = "relaychat";

    @Test
    void writesDefaultToAMajorityOfJournals() {
        WriteConcern standalone = MongoSettings.of("mongodb://localhost:27017", DB).effectiveWriteConcern();
        WriteConcern replicaSet = MongoSettings.of("mongodb://a:27017,b:27017/?replicaSet=rs0", DB).effectiveWriteConcern();

        WriteConcern expected = WriteConcern.MAJORITY.withJournal(true)
                .withWTimeout(MongoSettings.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(expected, standalone);
        assertEquals(expected, replicaSet);
        assertTrue(standalone.isAcknowledged());
    }

    @Test
    void aConnectionStringThatNamesAWriteConcernKeepsItAsWritten() {
        assertEquals(WriteConcern.W1, settings("mongodb://localhost/?w=1").effectiveWriteConcern());
        assertEquals(WriteConcern.MAJORITY.withJournal(false).withWTimeout(5000, TimeUnit.MILLISECONDS),
                settings("mongodb://localhost/?w=majority&journal=false").effectiveWriteConcern(),
                "as written, but waiting for replicas no longer than the store's timeout");
        assertEquals(new WriteConcern(2).withWTimeout(2500, java.util.concurrent.TimeUnit.MILLISECONDS),
                settings("mongodb://localhost/?w=2&wtimeoutMS=2500").effectiveWriteConcern());
    }

    @Test
    void aWriteConcernGivenExplicitlyWinsOverTheConnectionString() {
        MongoSettings settings = new MongoSettings("mongodb://localhost/?w=1", DB, Duration.ofSeconds(1),
                new WriteConcern(3), null, 10);

        assertEquals(new WriteConcern(3).withWTimeout(1000, TimeUnit.MILLISECONDS), settings.effectiveWriteConcern());
    }

    @Test
    void anUnacknowledgedWriteConcernInTheConnectionStringIsReportedAsSuch() {
        assertTrue(!settings("mongodb://localhost/?w=0").effectiveWriteConcern().isAcknowledged(),
                "so the server can refuse it");
    }

    private static MongoSettings settings(String uri) {
        return MongoSettings.of(uri, DB);
    }
}
