import { seededRandom as seeded } from "../../local/simulators/faults.ts";
import type { UserChange } from "../../shared/model/change.ts";

export { seeded };

export interface ChaosData {
  /** Every message body in the order it is sent: shuffled, with duplicates and a few invalid bodies. */
  bodies: string[];
  /** The distinct valid changes. */
  changes: UserChange[];
  /** People whose every attempt to exist must fail at both providers (an e-mail neither accepts). */
  poisoned: Set<string>;
  /** Bodies that are not valid changes at all: each must reach the DLQ with the validation reason. */
  invalidBodies: string[];
  duplicates: number;
}

export interface ChaosDataOptions {
  seed: number;
  people: number;
  messages: number;
  poisoned: number;
  invalid: number;
}

const source = "chaos-hr";
const base = Date.UTC(2026, 0, 5, 8, 0, 0);
const departments = ["Engineering", "Sales", "Finance", "People", "Support", "Legal"];
const roleNames = ["employee", "manager", "admin", "auditor", "support"];
const givenNames = ["Ada", "Bea", "Cem", "Dana", "Eli", "Finn", "Gül", "Hana", "Ivo", "Jon", "Kai", "Lea"];
const familyNames = ["Lovelace", "Okafor", "Yılmaz", "Novak", "Haddad", "Meyer", "Sato", "Silva", "Berg"];

/**
 * A deterministic history for `people` people: a create per person (with a password, as an HR import
 * would carry), then attribute updates, deactivations and reactivations at minute-granular times (so
 * some share a timestamp and the change id decides), all shuffled, with valid changes re-sent as
 * duplicates up to `messages` bodies, plus `invalid` bodies no ingest would ever produce.
 */
export function generateChaos(options: ChaosDataOptions): ChaosData {
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);
  const changes: UserChange[] = [];
  const poisoned = new Set<string>();
  let serial = 0;
  const change = (
    person: string,
    at: number,
    kind: UserChange["kind"],
    attributes: UserChange["attributes"],
  ) => {
    serial += 1;
    const id = `chg-${String(serial).padStart(6, "0")}-${int(36 ** 4).toString(36)}`;
    changes.push({ id, source, person, at: new Date(at).toISOString(), kind, attributes });
  };

  const invalidCount = options.invalid;
  // Roughly 85% distinct changes, the rest duplicates; the history length per person follows from it.
  const distinctTarget = Math.round((options.messages - invalidCount) * 0.85);
  const perPerson = distinctTarget / options.people;

  for (let index = 0; index < options.people; index += 1) {
    const person = `emp-${String(index).padStart(5, "0")}`;
    const login = `user${index}`;
    const createdAt = base + index * 1000;
    const poison =
      index % Math.max(1, Math.floor(options.people / options.poisoned)) === 7 &&
      poisoned.size < options.poisoned;
    if (poison) poisoned.add(person);
    change(person, createdAt, "upsert", {
      loginId: `${login}@corp.example`,
      email: poison ? `broken-address-${index}` : `${login}.v0@corp.example`,
      emailVerified: true,
      givenName: pick(givenNames),
      familyName: pick(familyNames),
      displayName: `${pick(givenNames)} ${pick(familyNames)}`,
      department: pick(departments),
      roles: [pick(roleNames)],
      ...(random() < 0.5 ? { phone: `+4915${String(1_000_000 + index * 7).padStart(8, "0")}` } : {}),
      active: true,
      password: `Initial-Pw-${index}-${int(1e9)}!`,
    });
    const updates = Math.max(1, Math.round(perPerson - 1 + (random() - 0.5) * 2));
    let emailVersion = 0;
    let renames = 0;
    for (let update = 0; update < updates; update += 1) {
      // Minute-granular times within a week of the create, some before it: sources disagree on clocks.
      const at = createdAt + (int(60 * 24 * 7) - 60) * 60_000;
      const draw = random();
      // A poisoned person only gets upserts: their create must reach a provider (and fail there).
      if (!poison && draw < 0.15) change(person, at, "deactivate", {});
      else if (!poison && draw < 0.27) change(person, at, "reactivate", {});
      else {
        const attributes: UserChange["attributes"] = {};
        const fields = 1 + int(3);
        for (let field = 0; field < fields; field += 1) {
          const which = int(10);
          if (which === 0) attributes.givenName = pick(givenNames);
          else if (which === 1) attributes.familyName = pick(familyNames);
          else if (which === 2) attributes.displayName = `${pick(givenNames)} ${pick(familyNames)}`;
          else if (which === 3) attributes.middleName = random() < 0.4 ? null : pick(givenNames);
          else if (which === 4)
            attributes.phone =
              random() < 0.3 ? null : `+4916${String(2_000_000 + index * 13 + update).padStart(8, "0")}`;
          else if (which === 5) attributes.department = pick(departments);
          else if (which === 6) attributes.roles = [pick(roleNames), pick(roleNames)];
          else if (which === 7 && !poison) {
            emailVersion += 1;
            attributes.email = `${login}.v${emailVersion}@corp.example`;
          } else if (which === 8 && random() < 0.15) {
            renames += 1;
            attributes.loginId = `${login}-r${renames}@corp.example`;
          } else attributes.displayName = `${pick(givenNames)} ${pick(familyNames)}`;
        }
        change(person, at, "upsert", attributes);
      }
    }
  }

  const invalidBodies = invalidMessages(invalidCount, random);
  const valid = changes.map((item) => JSON.stringify(item));
  const bodies = [...valid];
  let duplicates = 0;
  while (bodies.length + invalidBodies.length < options.messages) {
    bodies.push(pick(valid));
    duplicates += 1;
  }
  bodies.push(...invalidBodies);
  shuffle(bodies, random);
  return { bodies, changes, poisoned, invalidBodies, duplicates };
}

/** Bodies that could only reach the queue by a bug or a hand-made message: each fails validation. */
function invalidMessages(count: number, random: () => number): string[] {
  const makers = [
    (n: number) => `not json ${n}`,
    (n: number) =>
      JSON.stringify({
        id: `bad-at-${n}`,
        source,
        person: `emp-bad-${n}`,
        at: "yesterday",
        kind: "upsert",
        attributes: {},
      }),
    (n: number) =>
      JSON.stringify({
        id: `bad-kind-${n}`,
        source,
        person: `emp-bad-${n}`,
        at: new Date(base).toISOString(),
        kind: "promote",
        attributes: {},
      }),
    (n: number) =>
      JSON.stringify({
        id: `bad-attr-${n}`,
        source,
        person: `emp-bad-${n}`,
        at: new Date(base).toISOString(),
        kind: "upsert",
        attributes: { salary: 100_000 },
      }),
    (n: number) =>
      JSON.stringify({
        id: `bad-person-${n}`,
        source,
        person: "",
        at: new Date(base).toISOString(),
        kind: "deactivate",
        attributes: {},
      }),
  ];
  const bodies: string[] = [];
  for (let n = 0; n < count; n += 1)
    bodies.push((makers[n % makers.length] as (n: number) => string)(n + Math.floor(random() * 1000) * 1000));
  return bodies;
}

/** Fisher–Yates in place, with a seeded generator. */
export function shuffle<T>(items: T[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
}

/** The expected person: every attribute from the change with the greatest (at, id) that wrote it. */
export interface ExpectedPerson {
  loginId: string;
  email: string;
  givenName: string;
  familyName: string;
  displayName: string;
  middleName?: string;
  phone?: string;
  department: string;
  roles: string[];
  active: boolean;
  /** Every loginId the person ever had, to prove old ones are gone. */
  loginIds: Set<string>;
}

/**
 * The reference: written independently of shared/sync, as plainly as possible. For each person and
 * attribute, the value of the change ordered last by (at, id) wins; deactivate and reactivate write
 * `active`; null removes.
 */
export function expectedState(changes: readonly UserChange[]): Map<string, ExpectedPerson> {
  const winners = new Map<string, Map<string, { at: number; id: string; value: unknown }>>();
  const everLoginIds = new Map<string, Set<string>>();
  for (const item of changes) {
    if (item.attributes.loginId) {
      const seen = everLoginIds.get(item.person) ?? new Set<string>();
      seen.add(item.attributes.loginId);
      everLoginIds.set(item.person, seen);
    }
    const slots = winners.get(item.person) ?? new Map();
    winners.set(item.person, slots);
    const at = Date.parse(item.at);
    const write = (name: string, value: unknown) => {
      const current = slots.get(name);
      if (!current || at > current.at || (at === current.at && item.id > current.id))
        slots.set(name, { at, id: item.id, value });
    };
    if (item.kind === "deactivate") write("active", false);
    else if (item.kind === "reactivate") write("active", true);
    else if (item.kind === "upsert") {
      for (const [name, value] of Object.entries(item.attributes)) {
        if (name === "password" || name === "hashedPassword" || value === undefined) continue;
        write(name, value);
      }
    } else throw new Error(`the chaos data has no ${item.kind} changes`);
  }
  const expected = new Map<string, ExpectedPerson>();
  for (const [person, slots] of winners) {
    const value = (name: string) => slots.get(name)?.value ?? undefined;
    const loginIds = everLoginIds.get(person) ?? new Set<string>();
    expected.set(person, {
      loginId: value("loginId") as string,
      email: value("email") as string,
      givenName: value("givenName") as string,
      familyName: value("familyName") as string,
      displayName: value("displayName") as string,
      ...(value("middleName") ? { middleName: value("middleName") as string } : {}),
      ...(value("phone") ? { phone: value("phone") as string } : {}),
      department: value("department") as string,
      roles: [...new Set(value("roles") as string[])].sort(),
      active: value("active") as boolean,
      loginIds,
    });
  }
  return expected;
}
