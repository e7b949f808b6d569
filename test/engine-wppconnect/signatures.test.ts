/**
 * The library's signatures the adapter relies on, pinned. If an update of
 * @wppconnect-team/wppconnect changes one of them, `tsc` (npm test's typecheck) fails here, naming the
 * method, before anything breaks at run time. The runtime test checks the same names exist on the
 * shipped class.
 */
import type {
  Ack,
  CatchQRCallback,
  CreateOptions,
  IncomingCall,
  LinkByCodeCallback,
  LiveLocation,
  Message,
  ParticipantEvent,
  PresenceEvent,
  SocketState,
  StatusFindCallback,
  Whatsapp,
} from '@wppconnect-team/wppconnect';
import test from 'ava';
import type { Browser, CreateClient, LaunchOptions } from '../../plugins/engine-wppconnect/library.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Disposable = { dispose: () => void };

type Pinned = [
  // create(): the object form, resolving with the client.
  Expect<Equal<Parameters<CreateClient>[0], CreateOptions>>,
  Expect<
    Equal<CatchQRCallback, (qrCode: string, asciiQR: string, attempt: number, urlCode?: string) => void>
  >,
  Expect<Equal<LinkByCodeCallback, (code: string) => void>>,
  Expect<Equal<Parameters<StatusFindCallback>[1], string>>,
  // The options wppd sets, with the types it sets them to.
  Expect<Equal<Extract<CreateOptions['browser'], Browser>, Browser>>,
  Expect<Equal<CreateOptions['page'], Whatsapp['page'] | undefined>>,
  Expect<Equal<CreateOptions['waitForLogin'], boolean | undefined>>,
  Expect<Equal<CreateOptions['autoClose'], number | undefined>>,
  Expect<Equal<CreateOptions['deviceSyncTimeout'], number | undefined>>,
  Expect<Equal<CreateOptions['deviceName'], string | false | undefined>>,
  Expect<Equal<CreateOptions['phoneNumber'], string | undefined>>,
  Expect<Equal<CreateOptions['whatsappVersion'], string | undefined>>,
  Expect<Equal<CreateOptions['proxy'], { url: string; username: string; password: string } | undefined>>,
  Expect<Equal<LaunchOptions['userDataDir'], string | undefined>>,
  Expect<Equal<LaunchOptions['executablePath'], string | undefined>>,
  // Client lifecycle.
  Expect<Equal<Whatsapp['close'], () => Promise<boolean>>>,
  Expect<Equal<Whatsapp['logout'], () => Promise<boolean>>>,
  Expect<Equal<Whatsapp['useHere'], () => Promise<boolean>>>,
  Expect<Equal<Whatsapp['isConnected'], () => Promise<boolean>>>,
  // Listeners: callback payloads and the disposable they return.
  Expect<Equal<Whatsapp['onMessage'], (callback: (message: Message) => void) => Disposable>>,
  Expect<Equal<Whatsapp['onAnyMessage'], (callback: (message: Message) => void) => Disposable>>,
  Expect<Equal<Whatsapp['onAck'], (callback: (ack: Ack) => void) => Disposable>>,
  Expect<Equal<Whatsapp['onStateChange'], (callback: (state: SocketState) => void) => Disposable>>,
  Expect<Equal<Whatsapp['onIncomingCall'], (callback: (call: IncomingCall) => any) => Disposable>>,
  Expect<Equal<Parameters<Parameters<Whatsapp['onLiveLocation']>[1]>[0], LiveLocation>>,
  Expect<Equal<Parameters<Parameters<Whatsapp['onParticipantsChanged']>[1]>[0], ParticipantEvent>>,
  Expect<Equal<Parameters<Parameters<Whatsapp['onPresenceChanged']>[1]>[0], PresenceEvent>>,
  Expect<Equal<ReturnType<Whatsapp['onMessageEdit']>, Disposable>>,
  Expect<Equal<ReturnType<Whatsapp['onRevokedMessage']>, Disposable>>,
  Expect<Equal<ReturnType<Whatsapp['onReactionMessage']>, Disposable>>,
  Expect<Equal<ReturnType<Whatsapp['onPollResponse']>, Disposable>>,
  Expect<Equal<ReturnType<Whatsapp['onUpdateLabel']>, Disposable>>,
  // What the watchdog and the cleanup call on the page and browser.
  Expect<Equal<ReturnType<Whatsapp['page']['isClosed']>, boolean>>,
  Expect<Equal<ReturnType<Whatsapp['page']['close']>, Promise<void>>>,
  Expect<Equal<ReturnType<Browser['close']>, Promise<void>>>,
  Expect<Equal<ReturnType<Browser['pages']>, Promise<Whatsapp['page'][]>>>,
];

test('the shipped Whatsapp class has every method the adapter calls', async (t) => {
  const pinned: Pinned | undefined = undefined; // the type checks above run in tsc (npm run typecheck)
  t.is(pinned, undefined);
  const library = await import('@wppconnect-team/wppconnect');
  t.is(typeof library.create, 'function');
  const prototype = library.Whatsapp.prototype as unknown as Record<string, unknown>;
  const methods = [
    'close',
    'logout',
    'useHere',
    'isConnected',
    'onMessage',
    'onAnyMessage',
    'onAck',
    'onMessageEdit',
    'onRevokedMessage',
    'onReactionMessage',
    'onPollResponse',
    'onParticipantsChanged',
    'onPresenceChanged',
    'onUpdateLabel',
    'onIncomingCall',
    'onLiveLocation',
    'onStateChange',
  ] satisfies (keyof Whatsapp)[];
  t.deepEqual(
    methods.filter((name) => typeof prototype[name] !== 'function'),
    [],
  );
});
