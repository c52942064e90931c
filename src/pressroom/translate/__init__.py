"""Translation: engines behind one interface, the Argos/CTranslate2 engine, the translation memory."""
