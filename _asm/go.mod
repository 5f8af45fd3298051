module github.com/xentropy/kernel/_asm

go 1.26.0
