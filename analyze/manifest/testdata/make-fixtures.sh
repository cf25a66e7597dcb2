#!/bin/sh
# Every fixture here is a hand-written manifest; no tool produces them.
# hook-added/{old,new}/package.json model a patch release that gains a
# postinstall hook, a changed install hook, a new dependency and a bundled
# dependency; gha/ holds one hostile and one honest workflow; py/ holds
# Python packaging metadata.
