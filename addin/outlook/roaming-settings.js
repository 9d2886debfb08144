/**
 * The service URL and API key in the add-in's roaming settings: Outlook keeps them with the user's mailbox, for
 * this add-in only, so they follow the user to Outlook on the web, Windows and Mac.
 */
import { KEY_ITEM, URL_ITEM } from "../panel/settings.js";

export class RoamingSettings {
  constructor(office = globalThis.Office) {
    this.office = office;
    this.where = "your mailbox's add-in settings";
  }

  get store() {
    return this.office.context.roamingSettings;
  }

  async load() {
    return { serviceUrl: this.store.get(URL_ITEM) || "", apiKey: this.store.get(KEY_ITEM) || "" };
  }

  save({ serviceUrl = "", apiKey = "" }) {
    for (const [name, value] of [[URL_ITEM, serviceUrl], [KEY_ITEM, apiKey]]) {
      if (value) this.store.set(name, value);
      else this.store.remove(name);
    }
    return new Promise((resolve, reject) => {
      this.store.saveAsync((result) => {
        if (result?.status === this.office.AsyncResultStatus.Failed) reject(new Error(result.error?.message || "could not save the settings"));
        else resolve();
      });
    });
  }
}
