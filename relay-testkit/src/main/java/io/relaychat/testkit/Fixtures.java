package io.relaychat.testkit;

import io.relaychat.ports.model.MessageId;
import io.relaychat.ports.model.NewMessage;
import io.relaychat.ports.model.Room;
import io.relaychat.ports.model.RoomId;
import io.relaychat.ports.model.RoomType;
import io.relaychat.ports.model.User;
import io.relaychat.ports.model.UserAccount;
import io.relaychat.ports.model.UserId;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Named builders for the records the contract tests store. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static UserAccount anAccount(String email, String username) {
        return new UserAccount(new User(new UserId(newId()), email, username, now()), "$2a$10$hash-of-" + username);
    }

    public static RoomBuilder aGroupRoom() {
        return new RoomBuilder(RoomType.GROUP);
    }

    public static RoomBuilder aPrivateRoom() {
        return new RoomBuilder(RoomType.PRIVATE);
    }

    public static MessageBuilder aMessage() {
        return new MessageBuilder();
    }

    public static final class RoomBuilder {
        private final RoomType type;
        private String name = "room-" + newId().substring(0, 8);
        private final List<UserId> members = new ArrayList<>();
        private Instant createdAt = now();
        private String directKey;

        private RoomBuilder(RoomType type) {
            this.type = type;
        }

        public RoomBuilder named(String value) {
            this.name = value;
            return this;
        }

        public RoomBuilder withMembers(UserId... value) {
            members.addAll(List.of(value));
            return this;
        }

        public RoomBuilder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        public RoomBuilder directBetween(UserId a, UserId b) {
            members.clear();
            members.add(a);
            members.add(b);
            this.directKey = Room.directKeyOf(a, b);
            return this;
        }

        public Room build() {
            UserId creator = members.isEmpty() ? new UserId(newId()) : members.get(0);
            return new Room(new RoomId(newId()), name, type, members, createdAt, creator, directKey);
        }
    }

    public static final class MessageBuilder {
        private RoomId roomId = new RoomId(newId());
        private UserId userId = new UserId(newId());
        private String username = "alice";
        private String content = "hello";
        private Instant timestamp = now();
        private List<String> attachments = List.of();
        private String clientId;

        private MessageBuilder() {
        }

        public MessageBuilder in(RoomId value) {
            this.roomId = value;
            return this;
        }

        public MessageBuilder from(UserId value) {
            this.userId = value;
            return this;
        }

        public MessageBuilder saying(String value) {
            this.content = value;
            return this;
        }

        public MessageBuilder at(Instant value) {
            this.timestamp = value;
            return this;
        }

        public MessageBuilder withAttachments(String... urls) {
            this.attachments = List.of(urls);
            return this;
        }

        public MessageBuilder withClientId(String value) {
            this.clientId = value;
            return this;
        }

        public NewMessage build() {
            return new NewMessage(new MessageId(newId()), roomId, userId, username, content, timestamp, attachments,
                    clientId);
        }
    }
}
