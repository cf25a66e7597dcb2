'use strict';
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('desk', {
  setWaiting: (count) => ipcRenderer.invoke('desk:waiting', count),
  status: () => ipcRenderer.invoke('desk:status'),
});
