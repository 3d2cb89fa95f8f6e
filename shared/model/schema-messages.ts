import { en } from "zod/locales";
import * as z from "zod/mini";

/**
 * zod/mini, which the schemas use because it bundles a third of the size of zod's classic build, ships no
 * error messages: every issue would read "Invalid input". This sets the English ones, as the classic build
 * does. Every module that defines schemas imports this module, so no parse runs before it
 * (test/architecture/import-rules.test.ts checks that).
 */
z.config(en());
