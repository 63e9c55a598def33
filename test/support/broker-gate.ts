// A gate between one MQTT client (Node-RED's broker node) and a broker, on a port of its own: open, it passes each
// connection through to the broker; shut, it cuts the connections it passed and refuses new ones. It decides when
// Node-RED can reach the broker, and so which of Node-RED and another client reconnects first after a restart.
import net, { type AddressInfo } from "net";

export class BrokerGate {
    private isOpen = true;
    private readonly sockets = new Set<net.Socket>();
    /** When a connection last reached the broker through the gate (epoch ms). */
    lastPassedAt = 0;
    /** How many connections have reached the broker through the gate. */
    passed = 0;

    private constructor(
        private readonly server: net.Server,
        private readonly target: () => number,
    ) {
        server.on("connection", (client) => this.pass(client));
    }

    /** A gate, open, to the broker listening on `target()` (asked at each connection: a broker restarts on its port). */
    static async open(target: () => number): Promise<BrokerGate> {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", resolve);
        });
        return new BrokerGate(server, target);
    }

    get port(): number {
        return (this.server.address() as AddressInfo).port;
    }

    private pass(client: net.Socket): void {
        if (!this.isOpen) {
            client.destroy();
            return;
        }
        const broker = net.connect(this.target(), "127.0.0.1");
        const cut = () => {
            client.destroy();
            broker.destroy();
            this.sockets.delete(client);
        };
        this.sockets.add(client);
        broker.once("connect", () => {
            this.lastPassedAt = Date.now();
            this.passed++;
        });
        client.on("error", cut).on("close", cut);
        broker.on("error", cut).on("close", cut);
        client.pipe(broker).pipe(client);
    }

    /** Cuts every connection passed and refuses new ones. */
    shut(): void {
        this.isOpen = false;
        for (const client of this.sockets) client.destroy();
    }

    open(): void {
        this.isOpen = true;
    }

    close(): Promise<void> {
        this.shut();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
