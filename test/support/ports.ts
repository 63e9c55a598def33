import net, { type AddressInfo } from "net";

/** A port no one listens on now (the kernel's choice, closed again), for a server that cannot be asked for port 0. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Whether something accepts connections on `port` of 127.0.0.1. */
export function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => socket.end(() => resolve(true)));
        socket.once("error", () => resolve(false));
    });
}
